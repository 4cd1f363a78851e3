package org.reef.mqtt.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import org.reef.mqtt.broker.MqttBroker;

import java.util.Objects;
import java.util.Set;

/**
 * Pipeline of an MQTT over TLS connection (MQTT 5.0 section 4.2 and 5.4.9, IANA port 8883): an {@code SslHandler}
 * in front of the MQTT part, so MQTT only ever sees decrypted bytes of a completed handshake.
 */
public final class MqttTlsChannelInitializer extends MqttChannelInitializer {

    public static final String SSL = "ssl";

    private final SslContext sslContext;

    /**
     * @param sslContext the server context built once per start by {@link TlsContextFactory}
     */
    public MqttTlsChannelInitializer(MqttBroker broker, Set<Channel> openChannels, SslContext sslContext) {
        super(broker, openChannels);
        this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
    }

    @Override
    protected void addTransportHandlers(Channel channel, ChannelPipeline pipeline) {
        addSsl(channel, pipeline, sslContext);
    }

    /** Adds the TLS handler first in the pipeline; shared with the secure WebSocket listener. */
    static void addSsl(Channel channel, ChannelPipeline pipeline, SslContext sslContext) {
        pipeline.addLast(SSL, sslContext.newHandler(channel.alloc()));
    }
}
