package org.reef.mqtt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.util.function.Consumer;

/**
 * The inbound half of a broker connection's pipeline, as {@code MqttChannelInitializer} builds it: the broker's
 * {@link MqttFrameDecoder} and Netty's {@link MqttDecoder} with the broker's limits, ending in a sink that counts and
 * releases each packet as {@link MqttConnectionHandler} does (without handling it).
 *
 * <p>It lives in the protocol package, in the benchmark module, because the frame decoder's packet count is
 * package-private: the adapter does not widen it for a benchmark.
 */
public final class InboundPipeline implements AutoCloseable {

    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final EmbeddedChannel channel;
    private final ChannelPipeline pipeline;

    /**
     * @param version       the protocol the connection speaks (its CONNECT already decoded)
     * @param maxPacketSize the broker's maximum packet size
     * @param maxClientIdLength the broker's longest client id
     * @param sink          sees each decoded packet before it is released
     */
    public InboundPipeline(MqttVersion version, int maxPacketSize, int maxClientIdLength,
                           Consumer<MqttMessage> sink) {
        PacketCounter counter = new PacketCounter();
        channel = new EmbeddedChannel();
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        channel.attr(MQTT_VERSION).set(version);
        pipeline = channel.pipeline();
        pipeline.addLast(new MqttFrameDecoder(maxPacketSize, counter));
        pipeline.addLast(new MqttDecoder(maxPacketSize, maxClientIdLength));
        pipeline.addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    counter.decoded();
                    sink.accept((MqttMessage) msg);
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        });
    }

    /** One network read carrying {@code bytes}; the pipeline takes ownership of the buffer. */
    public void read(ByteBuf bytes) {
        pipeline.fireChannelRead(bytes);
        pipeline.fireChannelReadComplete();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
