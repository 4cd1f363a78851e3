package org.reef.mqtt.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.protocol.MqttConnectionHandler;

import java.util.Set;

/**
 * Pipeline of a plain TCP MQTT connection: flush consolidation, the MQTT codec bounded by the maximum packet size,
 * and the per-connection protocol handler.
 */
public final class MqttTcpChannelInitializer extends ChannelInitializer<Channel> {

    public static final String FLUSH = "flushConsolidation";
    public static final String DECODER = "mqttDecoder";
    public static final String ENCODER = "mqttEncoder";
    public static final String HANDLER = "mqttConnection";

    private final MqttBroker broker;
    private final Set<Channel> openChannels;

    /**
     * @param openChannels the server's set of open connections; each channel adds itself and leaves on close
     */
    public MqttTcpChannelInitializer(MqttBroker broker, Set<Channel> openChannels) {
        this.broker = broker;
        this.openChannels = openChannels;
    }

    @Override
    protected void initChannel(Channel channel) {
        openChannels.add(channel);
        channel.closeFuture().addListener(f -> openChannels.remove(channel));
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(FLUSH, new FlushConsolidationHandler(256, true));
        pipeline.addLast(DECODER, new MqttDecoder(broker.config().maxPacketSize(), broker.config().maxClientIdLength()));
        pipeline.addLast(ENCODER, MqttEncoder.INSTANCE);
        pipeline.addLast(HANDLER, new MqttConnectionHandler(broker));
    }
}
