package org.reef.mqtt.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import org.reef.mqtt.broker.MqttBroker;

import java.util.Set;

/**
 * Pipeline of a plain TCP MQTT connection (MQTT 5.0 section 4.2, IANA port 1883): nothing but the MQTT part, since
 * TCP already delivers the ordered, lossless byte stream MQTT needs.
 */
public final class MqttTcpChannelInitializer extends MqttChannelInitializer {

    /**
     * @param openChannels the server's set of open connections; each channel adds itself and leaves on close
     */
    public MqttTcpChannelInitializer(MqttBroker broker, Set<Channel> openChannels) {
        super(broker, openChannels);
    }

    @Override
    protected void addTransportHandlers(Channel channel, ChannelPipeline pipeline) {
        // TCP needs no transport handler.
    }
}
