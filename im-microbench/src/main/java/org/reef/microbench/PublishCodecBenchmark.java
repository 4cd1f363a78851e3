package org.reef.microbench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.protocol.InboundPipeline;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One QoS 1 PUBLISH with a 64-byte payload on {@code im/inbox/user12345}, in MQTT 3.1.1 and 5, through the broker's
 * codec: decoded by the inbound pipeline a connection has (the broker's frame decoder, then Netty's MqttDecoder, the
 * payload a retained slice of the read buffer), and encoded by Netty's MqttEncoder as the broker writes deliveries (a
 * new message per delivery wrapping the payload array, written through the channel pipeline into a pooled buffer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PublishCodecBenchmark {

    static final String TOPIC = "im/inbox/user12345";
    static final int PAYLOAD_BYTES = 64;
    static final int PACKET_ID = 42;
    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    /** MQTT protocol level: 4 is MQTT 3.1.1, 5 is MQTT 5.0. */
    @Param({"4", "5"})
    public int level;

    private MqttVersion version;
    private final byte[] payload = payload();
    private ByteBuf encoded;
    private InboundPipeline inbound;
    private EmbeddedChannel outbound;
    /** What the last decode produced and the last encode wrote, returned so that no work is optimised away. */
    private int decodedPacketId;
    private int encodedBytes;

    @Setup(Level.Trial)
    public void setUp() {
        version = level == 5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1;
        BrokerConfig config = BrokerConfig.forTests();
        inbound = new InboundPipeline(version, config.maxPacketSize(), config.maxClientIdLength(),
                message -> decodedPacketId = ((MqttPublishMessage) message).variableHeader().packetId());
        encoded = encodeOnce(version, publish(payload));

        outbound = new EmbeddedChannel();
        outbound.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        outbound.attr(MQTT_VERSION).set(version);
        // Writes travel from the tail to the head: the encoder, then this stand-in for the socket.
        outbound.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ByteBuf bytes = (ByteBuf) msg;
                encodedBytes = bytes.readableBytes();
                bytes.release();
            }
        });
        outbound.pipeline().addLast(MqttEncoder.INSTANCE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inbound.close();
        outbound.finishAndReleaseAll();
        encoded.release();
    }

    /** Bytes as a read brings them: a pooled direct buffer holding one PUBLISH, decoded and released. */
    @Benchmark
    public int decode() {
        decodedPacketId = -1;
        inbound.read(encoded.retainedDuplicate());
        return decodedPacketId;
    }

    /** A delivery as the broker writes it: a new PUBLISH over the payload array, encoded and handed on. */
    @Benchmark
    public int encode() {
        outbound.pipeline().write(publish(payload), outbound.voidPromise());
        return encodedBytes;
    }

    /** The size of the encoded PUBLISH, for checks. */
    int encodedSize() {
        return encoded.readableBytes();
    }

    /** What {@code PublishPackets.publish} builds for a QoS 1 delivery without properties. */
    static MqttPublishMessage publish(byte[] payload) {
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0);
        return new MqttPublishMessage(header,
                new MqttPublishVariableHeader(TOPIC, PACKET_ID, MqttProperties.NO_PROPERTIES),
                Unpooled.wrappedBuffer(payload));
    }

    static byte[] payload() {
        byte[] bytes = new byte[PAYLOAD_BYTES];
        Arrays.fill(bytes, (byte) 'x');
        byte[] text = "{\"from\":\"user7\",\"body\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, bytes, 0, text.length);
        return bytes;
    }

    /** The wire form of a message in a pooled direct buffer, as a socket read would deliver it. */
    static ByteBuf encodeOnce(MqttVersion version, MqttMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        try {
            channel.attr(MQTT_VERSION).set(version);
            channel.writeOutbound(message);
            ByteBuf heap = channel.readOutbound();
            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(heap.readableBytes());
            direct.writeBytes(heap);
            heap.release();
            return direct;
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
