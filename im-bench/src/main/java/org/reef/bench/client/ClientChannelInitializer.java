package org.reef.bench.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

import java.util.concurrent.CompletableFuture;

/**
 * The pipeline of one client connection: decoder, the shared encoder, keep-alive, client handler. Kept to what a
 * connection needs, because the connections scenario opens up to twenty thousand of them in one process.
 */
final class ClientChannelInitializer extends ChannelInitializer<Channel> {

    static final String DECODER = "mqttDecoder";
    static final String ENCODER = "mqttEncoder";

    private final ClientSettings settings;
    private final MessageListener listener;
    private final ClientStats stats;
    private final CompletableFuture<MqttClient> connected;

    ClientChannelInitializer(ClientSettings settings, MessageListener listener, ClientStats stats,
                             CompletableFuture<MqttClient> connected) {
        this.settings = settings;
        this.listener = listener;
        this.stats = stats;
        this.connected = connected;
    }

    @Override
    protected void initChannel(Channel channel) {
        MqttClient client = new MqttClient(channel, settings, listener, stats, connected);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(DECODER, new MqttDecoder(settings.maxPacketBytes()));
        pipeline.addLast(ENCODER, MqttEncoder.INSTANCE);
        if (settings.keepAliveSeconds() > 0) {
            pipeline.addLast(KeepAliveHandler.NAME, new KeepAliveHandler(settings.keepAliveSeconds(), client));
        }
        pipeline.addLast(MqttClientHandler.NAME, new MqttClientHandler(client));
    }
}
