package org.reef.mqtt.protocol;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.protocol.MalformedInputTest.Wire;
import org.reef.mqtt.testing.FakeWorkManager;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded fuzzing of the server pipeline (decoder and protocol handler): random bytes, and valid packets encoded by
 * Netty then mutated, each fed in random chunks to a fresh connection, most after a valid CONNECT. Whatever the input,
 * no exception may escape or be swallowed by the pipeline, the connection must end closed or open and consistent
 * (everything the server wrote is a well-formed server packet; nothing after a DISCONNECT; the broker's connection
 * count back to zero once closed), every buffer must be released, and the server must never buffer more than about
 * one maximum-size packet (the Maximum Packet Size of MQTT 5.0 section 3.2.2.3.6).
 *
 * <p>A failure names its seed and input index; rerun that seed alone to reproduce it. Also here: the MQTT 5 property
 * rules of section 2.2.2 that a fuzzer is unlikely to hit: a single-occurrence property given twice, a Property Length
 * running past the packet, unknown or misplaced property identifiers.
 */
class DecoderFuzzTest {

    private static final long[] SEEDS = {1L, 42L, 0x5EEDL, 20_240_917L, -7L};
    private static final int INPUTS_PER_SEED = 2_000;
    private static final int MAX_RANDOM_LENGTH = 2 * 1024;
    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final FakeWorkManager workManager = FakeWorkManager.held();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
    private final int maxPacketSize = broker.config().maxPacketSize();
    /** What the server may hold for one connection: one maximum-size packet, room for its buffer to have doubled. */
    private final long memoryBound = 2L * maxPacketSize + 64 * 1024;
    private final LogCapture problems = new LogCapture();

    @BeforeEach
    void captureLogs() {
        problems.install();
    }

    @AfterEach
    void close() throws InterruptedException {
        problems.uninstall();
        workManager.close();
    }

    // ---- fuzzing ----

    static LongStream seeds() {
        return LongStream.of(SEEDS);
    }

    /** Random bytes of random length, after a valid CONNECT three times in four. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomBytes(long seed, TestReporter reporter) {
        Random random = new Random(seed);
        Tally tally = new Tally();
        for (int i = 0; i < INPUTS_PER_SEED; i++) {
            MqttVersion version = random.nextBoolean() ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1;
            byte[] input = new byte[random.nextInt(MAX_RANDOM_LENGTH + 1)];
            random.nextBytes(input);
            if (input.length > 0 && random.nextBoolean()) {
                input[0] = (byte) (random.nextInt(16) << 4 | (random.nextBoolean() ? 0 : 2)); // a plausible type
            }
            feed(new Input(seed, i, random.nextInt(4) != 0 ? version : null, input), random, tally);
        }
        reporter.publishEntry("seed " + seed, tally.toString());
        assertTrue(tally.closed > 0 && tally.open > 0, () -> "inputs that close and inputs that do not: " + tally);
    }

    /**
     * Valid packets of every kind a client sends, encoded by Netty, then mutated: bit flips, bytes inserted, deleted
     * or overwritten, a truncated end, a Remaining Length replaced by a huge or wrong value, a packet duplicated.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedValidPackets(long seed, TestReporter reporter) {
        Random random = new Random(seed);
        Tally tally = new Tally();
        Templates v311 = Templates.of(MqttVersion.MQTT_3_1_1);
        Templates v5 = Templates.of(MqttVersion.MQTT_5);
        for (int i = 0; i < INPUTS_PER_SEED; i++) {
            Templates templates = random.nextBoolean() ? v5 : v311;
            List<byte[]> packets = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int p = 0; p < count; p++) {
                packets.add(templates.packets.get(random.nextInt(templates.packets.size())).clone());
            }
            boolean connectFirst = random.nextInt(5) != 0;
            if (!connectFirst) {
                packets.add(0, (random.nextBoolean() ? templates.connect : templates.connectWithCredentials).clone());
            }
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(packets, random);
            }
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            packets.forEach(input::writeBytes);
            feed(new Input(seed, i, connectFirst ? templates.version : null, input.toByteArray()), random, tally);
        }
        reporter.publishEntry("seed " + seed, tally.toString());
        // The mutations must leave enough intact for the broker to get past decoding, or this fuzzes little.
        assertTrue(tally.answered > INPUTS_PER_SEED / 5, () -> "inputs the broker acted on: " + tally);
        assertTrue(tally.disconnected > 0 && tally.closed > 0 && tally.open > 0, tally::toString);
    }

    private void mutate(List<byte[]> packets, Random random) {
        if (packets.isEmpty()) {
            return;
        }
        int index = random.nextInt(packets.size());
        byte[] packet = packets.get(index);
        switch (random.nextInt(8)) {
            case 0 -> { // flip one bit
                if (packet.length > 0) {
                    packet[random.nextInt(packet.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // insert random bytes
                byte[] extra = new byte[1 + random.nextInt(8)];
                random.nextBytes(extra);
                packets.set(index, splice(packet, random.nextInt(packet.length + 1), 0, extra));
            }
            case 2 -> { // delete bytes
                if (packet.length > 0) {
                    int at = random.nextInt(packet.length);
                    packets.set(index, splice(packet, at, Math.min(packet.length - at, 1 + random.nextInt(8)),
                            new byte[0]));
                }
            }
            case 3 -> { // truncate the packet, and drop the ones after it
                packets.set(index, Arrays.copyOf(packet, random.nextInt(packet.length + 1)));
                packets.subList(index + 1, packets.size()).clear();
            }
            case 4 -> packets.set(index, withRemainingLength(packet, interestingLength(packet, random)));
            case 5 -> packets.add(index, packet.clone()); // duplicate
            case 6 -> { // an interesting byte value somewhere
                if (packet.length > 0) {
                    int[] values = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xC0, 0xED};
                    packet[random.nextInt(packet.length)] = (byte) values[random.nextInt(values.length)];
                }
            }
            default -> { // another first byte: type and flags
                if (packet.length > 0) {
                    packet[0] = (byte) random.nextInt(256);
                }
            }
        }
    }

    private int interestingLength(byte[] packet, Random random) {
        int actual = Math.max(0, packet.length - 2);
        int[] choices = {0, 1, actual - 1, actual + 1, actual + 100, maxPacketSize, maxPacketSize + 1,
                268_435_455, random.nextInt(268_435_456), 127, 128, 16_383, 16_384};
        return Math.max(0, choices[random.nextInt(choices.length)]);
    }

    // ---- memory: a declared length is no licence to buffer ----

    /**
     * The largest Remaining Length followed by a stream of bytes: the server refuses the packet at once and never
     * holds more than the bound, nor does the JVM's heap grow by anything like the declared 256 MiB.
     */
    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(ints = {0x10, 0x30, 0x32, 0x82, 0xA2, 0x62})
    void aHugeDeclaredLengthIsNeverBuffered(int firstByte) {
        Runtime runtime = Runtime.getRuntime();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();
        byte[] start = new Wire().u8(firstByte).vbi(268_435_455).utf8("a/b").u16(1).bytes();
        MqttVersion version = firstByte == 0x10 ? null : MqttVersion.MQTT_5;
        Outcome outcome = feedStream(version, start, 4 * maxPacketSize);
        assertFalse(outcome.open(), "refused: " + outcome);
        long usedAfter = runtime.totalMemory() - runtime.freeMemory();
        assertTrue(usedAfter - usedBefore < 100L * 1024 * 1024,
                "heap grew by " + (usedAfter - usedBefore) / 1024 / 1024 + " MiB");
    }

    /**
     * MQTT 5.0 section 2.2.2.1: the Property Length must fit in the packet. A CONNECT or PUBLISH whose Property Length
     * claims far more than its Remaining Length is malformed; the server must not go on reading the bytes after the
     * packet as its properties, let alone buffer them without limit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("propertyLengthOverruns")
    void aPropertyLengthBeyondThePacketIsNeverBuffered(String packet, MqttVersion connectFirst, byte[] start) {
        Outcome outcome = feedStream(connectFirst, start, 4 * maxPacketSize);
        assertFalse(outcome.open(), "a Property Length past the packet is malformed: " + outcome);
    }

    static Stream<Arguments> propertyLengthOverruns() {
        byte[] connect = Wire.packet(0x10, new Wire().utf8("MQTT").u8(5, 0x02).u16(30).vbi(268_435_000)
                .u8(0x11).u32(0).utf8("overrun").bytes());
        byte[] publish = Wire.packet(0x30, new Wire().utf8("a/b").vbi(268_435_000).u8(0x01, 0x01).bytes());
        return Stream.of(Arguments.of("CONNECT", null, connect), Arguments.of("PUBLISH", MqttVersion.MQTT_5, publish));
    }

    // ---- MQTT 5.0 section 2.2.2.2: properties ----

    /**
     * A property that may appear once, given twice: a Protocol Error (MQTT 5.0 section 3.1.2.11 for CONNECT, e.g.
     * "It is a Protocol Error to include the Session Expiry Interval more than once"). The server must not accept the
     * connection; it may answer CONNACK 0x82 first.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicatedConnectProperties")
    void aConnectPropertyGivenTwiceIsAProtocolError(String name, byte[] property) {
        Wire properties = new Wire().raw(property).raw(property);
        byte[] reply = feedConnect(connect5(properties));
        assertRefusedConnect(reply, 0x82, 0x81);
    }

    static Stream<Arguments> duplicatedConnectProperties() {
        return Stream.of(
                Arguments.of("Session Expiry Interval", new Wire().u8(0x11).u32(10).bytes()),
                Arguments.of("Receive Maximum", new Wire().u8(0x21).u16(10).bytes()),
                Arguments.of("Maximum Packet Size", new Wire().u8(0x27).u32(1000).bytes()),
                Arguments.of("Topic Alias Maximum", new Wire().u8(0x22).u16(5).bytes()),
                Arguments.of("Request Response Information", new Wire().u8(0x19).u8(0).bytes()),
                Arguments.of("Request Problem Information", new Wire().u8(0x17).u8(1).bytes()));
    }

    /** User Property is the exception: it may appear any number of times (MQTT 5.0 section 3.1.2.11.8). */
    @Test
    void aUserPropertyMayBeRepeated() {
        Wire properties = new Wire();
        for (int i = 0; i < 5; i++) {
            properties.u8(0x26).utf8("k").utf8("v" + i);
        }
        byte[] reply = feedConnect(connect5(properties));
        assertTrue(reply.length >= 4 && reply[0] == 0x20 && reply[3] == 0x00,
                "accepted: " + HexFormat.of().formatHex(reply));
    }

    /**
     * PUBLISH properties that may appear once, given twice: a Protocol Error (MQTT 5.0 section 3.3.2.3, e.g. "It is a
     * Protocol Error to include the Payload Format Indicator more than once"): DISCONNECT 0x82.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicatedPublishProperties")
    void aPublishPropertyGivenTwiceIsAProtocolError(String name, byte[] property) {
        byte[] publish = publish5(new Wire().raw(property).raw(property));
        Outcome outcome = feedAfterConnect(publish);
        assertDisconnected(outcome, 0x82);
    }

    static Stream<Arguments> duplicatedPublishProperties() {
        return Stream.of(
                Arguments.of("Payload Format Indicator", new Wire().u8(0x01).u8(1).bytes()),
                Arguments.of("Message Expiry Interval", new Wire().u8(0x02).u32(60).bytes()),
                Arguments.of("Topic Alias", new Wire().u8(0x23).u16(1).bytes()),
                Arguments.of("Response Topic", new Wire().u8(0x08).utf8("r/t").bytes()),
                Arguments.of("Correlation Data", new Wire().u8(0x09).string(new byte[]{1, 2}).bytes()),
                Arguments.of("Content Type", new Wire().u8(0x03).utf8("text/plain").bytes()));
    }

    /**
     * Property identifiers that do not exist (MQTT 5.0 section 2.2.2.2: a Malformed Packet), including a valid
     * Variable Byte Integer above 0x7F.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownProperties")
    void anUnknownPropertyInPublishIsMalformed(String id, byte[] property) {
        Outcome outcome = feedAfterConnect(publish5(new Wire().raw(property)));
        assertDisconnected(outcome, 0x81);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownProperties")
    void anUnknownPropertyInConnectIsMalformed(String id, byte[] property) {
        byte[] reply = feedConnect(connect5(new Wire().raw(property)));
        assertRefusedConnect(reply, 0x81);
    }

    static Stream<Arguments> unknownProperties() {
        return Stream.of(
                Arguments.of("0x00", new byte[]{0x00, 0x01}),
                Arguments.of("0x04", new byte[]{0x04, 0x01}),
                Arguments.of("0x7F", new byte[]{0x7F, 0x01}),
                Arguments.of("0x80 0x01 (128)", new byte[]{(byte) 0x80, 0x01, 0x01}));
    }

    /**
     * A known property in a packet it does not belong to: Receive Maximum in PUBLISH is "an Identifier which is not
     * valid for its packet type", a Malformed Packet (MQTT 5.0 section 2.2.2.2); a Subscription Identifier from a
     * client's PUBLISH is a Protocol Error [MQTT-3.3.4-6].
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("misplacedPublishProperties")
    void aPropertyThatDoesNotBelongInPublishIsRefused(String name, byte[] property) {
        Outcome outcome = feedAfterConnect(publish5(new Wire().raw(property)));
        assertDisconnected(outcome, 0x81, 0x82);
    }

    static Stream<Arguments> misplacedPublishProperties() {
        return Stream.of(
                Arguments.of("Receive Maximum", new Wire().u8(0x21).u16(10).bytes()),
                Arguments.of("Session Expiry Interval", new Wire().u8(0x11).u32(10).bytes()),
                Arguments.of("Subscription Identifier", new Wire().u8(0x0B).vbi(7).bytes()));
    }

    /**
     * A Property Length longer than what is left of the packet (MQTT 5.0 section 2.2.2.1), with the next packet (a
     * PINGREQ) right behind: the server must see a Malformed Packet, not read the PINGREQ as properties and wait.
     */
    @Test
    void aPropertyLengthPastTheEndOfAPublishIsMalformed() {
        byte[] publish = Wire.packet(0x30, new Wire().utf8("a/b").vbi(40).u8(0x01, 0x01).bytes());
        Outcome outcome = feedAfterConnect(concat(publish, new byte[]{(byte) 0xC0, 0x00}));
        assertDisconnected(outcome, 0x81);
    }

    @Test
    void aPropertyLengthPastTheEndOfAConnectIsMalformed() {
        byte[] connect = Wire.packet(0x10, new Wire().utf8("MQTT").u8(5, 0x02).u16(30).vbi(40)
                .u8(0x11).u32(0).utf8("short").bytes());
        byte[] reply = feedConnect(concat(connect, new byte[]{(byte) 0xC0, 0x00}));
        assertRefusedConnect(reply, 0x81);
    }

    /** A property's own length (here a Content Type string) running past the Property Length and the packet. */
    @Test
    void aStringPropertyPastTheEndOfAPublishIsMalformed() {
        byte[] publish = Wire.packet(0x30, new Wire().utf8("a/b").vbi(3).u8(0x03).u16(500).bytes());
        Outcome outcome = feedAfterConnect(concat(publish, new byte[]{(byte) 0xC0, 0x00}));
        assertDisconnected(outcome, 0x81);
    }

    // ---- feeding and checking ----

    /** What a seed's inputs did, to show that the fuzzer reaches past the decoder. */
    private static final class Tally {

        int open;
        int closed;
        /** Inputs the server answered beyond CONNACK (SUBACK, PUBACK, PUBLISH, PINGRESP...): decoded and acted on. */
        int answered;
        /** Inputs closed with an MQTT 5 DISCONNECT. */
        int disconnected;

        void add(boolean isOpen, List<MqttMessageType> replies) {
            if (isOpen) {
                open++;
            } else {
                closed++;
            }
            if (replies.stream().anyMatch(t -> t != MqttMessageType.CONNACK && t != MqttMessageType.DISCONNECT)) {
                answered++;
            }
            if (replies.contains(MqttMessageType.DISCONNECT)) {
                disconnected++;
            }
        }

        @Override
        public String toString() {
            return "open " + open + ", closed " + closed + ", answered beyond CONNACK " + answered
                    + ", closed with DISCONNECT " + disconnected;
        }
    }

    /** One fuzz input: which seed and index made it, whether a valid CONNECT of that version goes first. */
    private record Input(long seed, int index, MqttVersion connectFirst, byte[] bytes) {

        @Override
        public String toString() {
            String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 512));
            return "seed " + seed + " input #" + index + " (CONNECT first: " + connectFirst + ", " + bytes.length
                    + " bytes): " + hex + (bytes.length > 512 ? "..." : "");
        }
    }

    /** How a connection ended up: open or not, everything the server wrote, the bytes it still held at most. */
    private record Outcome(boolean open, byte[] reply, long peakLiveBytes) {

        @Override
        public String toString() {
            return "open " + open + ", peak held " + peakLiveBytes + " bytes, reply "
                    + HexFormat.of().formatHex(reply, 0, Math.min(reply.length, 256));
        }
    }

    private void feed(Input input, Random random, Tally tally) {
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedMqttConnection c = new EmbeddedMqttConnection(broker);
        c.server.config().setAllocator(allocator);
        try {
            if (input.connectFirst() != null) {
                c.sendRaw(allocator.copyOf(Templates.of(input.connectFirst()).connect));
            }
            int chunking = random.nextInt(3);
            int offset = 0;
            while (offset < input.bytes().length && c.isOpen()) {
                int left = input.bytes().length - offset;
                int size = switch (chunking) {
                    case 0 -> left;
                    case 1 -> 1 + random.nextInt(Math.min(left, 8));
                    default -> 1 + random.nextInt(Math.min(left, 256));
                };
                c.sendRaw(allocator.copyOf(input.bytes(), offset, size));
                offset += size;
                long live = allocator.liveBytes();
                assertTrue(live <= memoryBound, () -> "held " + live + " bytes");
            }
            byte[] reply = rawReply(c);
            boolean open = c.isOpen();
            tally.add(open, assertConsistent(open, reply));
            c.server.checkException();
            assertTrue(problems.records().isEmpty(), () -> "swallowed or logged failures: " + problems.describe());
        } catch (Throwable failure) {
            throw new AssertionError(input + ": " + failure, failure);
        } finally {
            c.close();
        }
        List<ByteBuf> unreleased = allocator.unreleased();
        if (!unreleased.isEmpty()) {
            fail(input + ": " + unreleased.size() + " buffers never released, e.g. " + unreleased.get(0));
        }
        assertEquals(0, broker.connected().get(), () -> input + ": the broker still counts the connection");
    }

    /** Feeds a start, then filler bytes in 16 KiB chunks up to {@code total} while the connection stays open. */
    private Outcome feedStream(MqttVersion connectFirst, byte[] start, int total) {
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedMqttConnection c = new EmbeddedMqttConnection(broker);
        c.server.config().setAllocator(allocator);
        long peak = 0;
        try {
            if (connectFirst != null) {
                c.sendRaw(allocator.copyOf(Templates.of(connectFirst).connect));
            }
            c.sendRaw(allocator.copyOf(start));
            byte[] filler = new byte[16 * 1024];
            Arrays.fill(filler, (byte) 'x');
            for (int sent = 0; sent < total && c.isOpen(); sent += filler.length) {
                c.sendRaw(allocator.copyOf(filler));
                peak = Math.max(peak, allocator.liveBytes());
                long held = peak;
                assertTrue(held <= memoryBound, () -> "the server holds " + held + " bytes for one connection");
            }
            Outcome outcome = new Outcome(c.isOpen(), rawReply(c), peak);
            c.server.checkException();
            return outcome;
        } finally {
            c.close();
            assertTrue(allocator.unreleased().isEmpty(), "buffers never released: " + allocator.unreleased());
        }
    }

    /** Feeds a valid MQTT 5 CONNECT, then the bytes; answers how the connection ended. */
    private Outcome feedAfterConnect(byte[] bytes) {
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedMqttConnection c = new EmbeddedMqttConnection(broker);
        c.server.config().setAllocator(allocator);
        try {
            c.sendRaw(allocator.copyOf(Templates.of(MqttVersion.MQTT_5).connect));
            byte[] connAck = rawReply(c);
            assertTrue(connAck.length > 3 && connAck[0] == 0x20 && connAck[3] == 0, "accepted");
            c.sendRaw(allocator.copyOf(bytes));
            Outcome outcome = new Outcome(c.isOpen(), rawReply(c), allocator.liveBytes());
            c.server.checkException();
            return outcome;
        } finally {
            c.close();
            assertTrue(allocator.unreleased().isEmpty(), "buffers never released: " + allocator.unreleased());
        }
    }

    /** Feeds a (raw) CONNECT and what follows it; answers what the server wrote, after checking it closed or not. */
    private byte[] feedConnect(byte[] bytes) {
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedMqttConnection c = new EmbeddedMqttConnection(broker);
        c.server.config().setAllocator(allocator);
        try {
            c.sendRaw(allocator.copyOf(bytes));
            byte[] reply = rawReply(c);
            boolean accepted = reply.length > 3 && reply[0] == 0x20 && reply[3] == 0;
            boolean open = c.isOpen();
            assertEquals(accepted, open, () -> (accepted ? "accepted, yet closed" : "not accepted, yet still open")
                    + "; the server wrote: " + HexFormat.of().formatHex(reply));
            c.server.checkException();
            return reply;
        } finally {
            c.close();
            assertTrue(allocator.unreleased().isEmpty(), "buffers never released: " + allocator.unreleased());
        }
    }

    private void assertRefusedConnect(byte[] reply, int... reasons) {
        if (reply.length == 0) {
            return; // closed without CONNACK: allowed (MQTT 5.0 section 3.1.4 [MQTT-3.1.4-1])
        }
        assertEquals(0x20, reply[0] & 0xFF, "only a CONNACK: " + HexFormat.of().formatHex(reply));
        int code = reply[3] & 0xFF;
        assertTrue(Arrays.stream(reasons).anyMatch(r -> r == code),
                String.format("CONNACK 0x%02X, expected one of %s", code, Arrays.toString(reasons)));
    }

    private static void assertDisconnected(Outcome outcome, int... reasons) {
        List<MqttMessage> replies = decode(outcome.reply(), MqttVersion.MQTT_5);
        try {
            assertEquals(1, replies.size(), () -> "one DISCONNECT expected, got " + replies + " and the connection is "
                    + (outcome.open() ? "still open" : "closed"));
            MqttMessage disconnect = replies.get(0);
            assertEquals(MqttMessageType.DISCONNECT, disconnect.fixedHeader().messageType());
            int reason = ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode() & 0xFF;
            assertTrue(Arrays.stream(reasons).anyMatch(r -> r == reason),
                    String.format("DISCONNECT 0x%02X, expected one of %s", reason, Arrays.toString(reasons)));
        } finally {
            replies.forEach(ReferenceCountUtil::release);
        }
        assertFalse(outcome.open(), "closed after DISCONNECT");
    }

    /**
     * What the server wrote is a sequence of whole, well-formed server packets (decoded in the version its CONNACK
     * shows: MQTT 5 CONNACKs carry properties, so their Remaining Length is above 2); a refusing CONNACK or a
     * DISCONNECT is the last packet and the connection is closed after it.
     */
    private static List<MqttMessageType> assertConsistent(boolean open, byte[] reply) {
        if (reply.length == 0) {
            return List.of();
        }
        assertEquals(0x20, reply[0] & 0xFF, "the first packet from the server is CONNACK");
        MqttVersion version = (reply[1] & 0xFF) > 2 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1;
        List<MqttMessage> packets = decode(reply, version);
        List<MqttMessageType> types = new ArrayList<>();
        try {
            for (int i = 0; i < packets.size(); i++) {
                MqttMessage packet = packets.get(i);
                MqttMessageType type = packet.fixedHeader().messageType();
                boolean last = i == packets.size() - 1;
                boolean refusal = type == MqttMessageType.CONNACK && reply[3] != 0;
                if (type == MqttMessageType.DISCONNECT || refusal) {
                    assertTrue(last, () -> "nothing after " + type + ": " + packets);
                    assertFalse(open, () -> "closed after " + type);
                }
                assertTrue(i == 0 || type != MqttMessageType.CONNACK, "one CONNACK only");
                assertTrue(switch (type) {
                    case CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, AUTH -> false;
                    default -> true;
                }, () -> "a server never sends " + type);
                types.add(type);
            }
        } finally {
            packets.forEach(ReferenceCountUtil::release);
        }
        return types;
    }

    /** Decodes server packets as a client of the given version would, failing on anything ill-formed or left over. */
    private static List<MqttMessage> decode(byte[] bytes, MqttVersion version) {
        EmbeddedChannel client = new EmbeddedChannel(new MqttDecoder(16 * 1024 * 1024, 65535));
        client.attr(MQTT_VERSION).set(version);
        List<MqttMessage> packets = new ArrayList<>();
        try {
            client.writeInbound(Unpooled.wrappedBuffer(bytes));
            Object message;
            while ((message = client.readInbound()) != null) {
                MqttMessage packet = (MqttMessage) message;
                packets.add(packet);
                if (packet.decoderResult().isFailure()) {
                    throw new AssertionError("the server wrote an ill-formed packet: "
                            + HexFormat.of().formatHex(bytes), packet.decoderResult().cause());
                }
            }
            assertFalse(client.finish(), "no partial packet at the end of the server's output");
        } catch (RuntimeException | AssertionError e) {
            packets.forEach(ReferenceCountUtil::release);
            throw e;
        } finally {
            client.finishAndReleaseAll();
        }
        return packets;
    }

    /** Everything the server wrote, as bytes. */
    private static byte[] rawReply(EmbeddedMqttConnection c) {
        c.server.runPendingTasks();
        if (c.server.isOpen()) {
            c.server.flushOutbound();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuf buffer;
        while ((buffer = c.server.readOutbound()) != null) {
            try {
                bytes.writeBytes(ByteBufUtil.getBytes(buffer));
            } finally {
                buffer.release();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] connect5(Wire properties) {
        return Wire.packet(0x10, new Wire().utf8("MQTT").u8(5, 0x02).u16(30).properties(properties)
                .utf8("props").bytes());
    }

    private static byte[] publish5(Wire properties) {
        return Wire.packet(0x32, new Wire().utf8("props/topic").u16(3).properties(properties)
                .raw("body".getBytes(StandardCharsets.UTF_8)).bytes());
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        byte[] result = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(insert, 0, result, at, insert.length);
        System.arraycopy(bytes, at + remove, result, at + insert.length, bytes.length - at - remove);
        return result;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return splice(a, a.length, 0, b);
    }

    /** The packet with its Remaining Length field replaced (the rest unchanged); a packet too short is kept. */
    private static byte[] withRemainingLength(byte[] packet, int length) {
        int end = 1;
        while (end < packet.length && end < 5 && (packet[end] & 0x80) != 0) {
            end++;
        }
        if (end >= packet.length) {
            return packet;
        }
        byte[] header = new Wire().u8(packet[0] & 0xFF).vbi(length).bytes();
        return splice(packet, 0, end + 1, header);
    }

    // ---- fixtures ----

    /** Valid client packets of one version, encoded by Netty's MqttEncoder. */
    private record Templates(MqttVersion version, byte[] connect, byte[] connectWithCredentials,
                             List<byte[]> packets) {

        private static final Templates V311 = build(MqttVersion.MQTT_3_1_1);
        private static final Templates V5 = build(MqttVersion.MQTT_5);

        static Templates of(MqttVersion version) {
            return version == MqttVersion.MQTT_5 ? V5 : V311;
        }

        private static Templates build(MqttVersion version) {
            EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
            boolean v5 = version == MqttVersion.MQTT_5;
            MqttProperties connectProperties = new MqttProperties();
            MqttProperties willProperties = new MqttProperties();
            MqttProperties publishProperties = new MqttProperties();
            MqttProperties subscribeProperties = new MqttProperties();
            if (v5) {
                connectProperties.add(new MqttProperties.IntegerProperty(0x21, 20)); // Receive Maximum
                connectProperties.add(new MqttProperties.IntegerProperty(0x27, 65_536)); // Maximum Packet Size
                connectProperties.add(new MqttProperties.IntegerProperty(0x22, 4)); // Topic Alias Maximum
                connectProperties.add(new MqttProperties.UserProperty("device", "fuzz"));
                willProperties.add(new MqttProperties.IntegerProperty(0x18, 0)); // Will Delay Interval
                willProperties.add(new MqttProperties.StringProperty(0x03, "text/plain")); // Content Type
                publishProperties.add(new MqttProperties.IntegerProperty(0x01, 1)); // Payload Format Indicator
                publishProperties.add(new MqttProperties.IntegerProperty(0x02, 60)); // Message Expiry Interval
                publishProperties.add(new MqttProperties.IntegerProperty(0x23, 2)); // Topic Alias
                publishProperties.add(new MqttProperties.StringProperty(0x08, "fuzz/reply")); // Response Topic
                publishProperties.add(new MqttProperties.BinaryProperty(0x09, new byte[]{1, 2, 3})); // Correlation
                publishProperties.add(new MqttProperties.StringProperty(0x03, "text/plain")); // Content Type
                publishProperties.add(new MqttProperties.UserProperty("k", "v"));
                subscribeProperties.add(new MqttProperties.IntegerProperty(0x0B, 7)); // Subscription Identifier
                subscribeProperties.add(new MqttProperties.UserProperty("k", "v"));
            }
            byte[] connect = encode(encoder, MqttMessageBuilders.connect().protocolVersion(version).clientId("fuzz")
                    .cleanSession(true).keepAlive(30).properties(connectProperties)
                    .willFlag(true).willTopic("fuzz/will").willMessage("gone".getBytes(StandardCharsets.UTF_8))
                    .willQoS(MqttQoS.AT_LEAST_ONCE).willProperties(willProperties).build());
            byte[] connectWithCredentials = encode(encoder, MqttMessageBuilders.connect().protocolVersion(version)
                    .clientId("fuzz-credentials").cleanSession(false).keepAlive(0).properties(connectProperties)
                    .username("user").password("secret".getBytes(StandardCharsets.UTF_8)).build());
            List<byte[]> packets = new ArrayList<>();
            packets.add(encode(encoder, MqttMessageBuilders.subscribe().messageId(1).properties(subscribeProperties)
                    .addSubscription("fuzz/#", new MqttSubscriptionOption(MqttQoS.EXACTLY_ONCE, false, v5,
                            v5 ? MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS
                                    : MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE))
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "fuzz/+/x")
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "$share/g/fuzz/shared")
                    .build()));
            for (MqttQoS qos : new MqttQoS[]{MqttQoS.AT_MOST_ONCE, MqttQoS.AT_LEAST_ONCE, MqttQoS.EXACTLY_ONCE}) {
                packets.add(encode(encoder, MqttMessageBuilders.publish().topicName("fuzz/a/x").qos(qos)
                        .retained(qos == MqttQoS.AT_LEAST_ONCE).messageId(qos.value() == 0 ? 0 : 10 + qos.value())
                        .properties(publishProperties)
                        .payload(Unpooled.copiedBuffer("payload " + qos, StandardCharsets.UTF_8))
                        .build()));
            }
            packets.add(encode(encoder, pubReply(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, 12)));
            packets.add(encode(encoder, pubReply(MqttMessageType.PUBACK, MqttQoS.AT_MOST_ONCE, 1)));
            packets.add(encode(encoder, pubReply(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE, 2)));
            packets.add(encode(encoder, pubReply(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, 2)));
            packets.add(encode(encoder, MqttMessageBuilders.unsubscribe().messageId(3).addTopicFilter("fuzz/#")
                    .addTopicFilter("never/subscribed").build()));
            packets.add(encode(encoder, MqttMessage.PINGREQ));
            MqttProperties disconnectProperties = new MqttProperties();
            if (v5) {
                disconnectProperties.add(new MqttProperties.IntegerProperty(0x11, 0));
            }
            packets.add(encode(encoder, MqttMessageBuilders.disconnect().reasonCode((byte) (v5 ? 0x04 : 0))
                    .properties(disconnectProperties).build()));
            encoder.finishAndReleaseAll();
            return new Templates(version, connect, connectWithCredentials, List.copyOf(packets));
        }

        private static MqttMessage pubReply(MqttMessageType type, MqttQoS flags, int packetId) {
            return new MqttMessage(new MqttFixedHeader(type, false, flags, false, 0),
                    MqttMessageIdVariableHeader.from(packetId));
        }

        private static byte[] encode(EmbeddedChannel encoder, MqttMessage message) {
            encoder.writeOutbound(message);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuf buffer;
            while ((buffer = encoder.readOutbound()) != null) {
                try {
                    bytes.writeBytes(ByteBufUtil.getBytes(buffer));
                } finally {
                    buffer.release();
                }
            }
            return bytes.toByteArray();
        }
    }

    /**
     * An allocator that remembers every buffer it made, so that a test can tell which were never released and how
     * many bytes the server still holds, whatever the leak detector's sampling or timing.
     */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {

        private final List<ByteBuf> allocated = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        ByteBuf copyOf(byte[] bytes) {
            return copyOf(bytes, 0, bytes.length);
        }

        ByteBuf copyOf(byte[] bytes, int offset, int length) {
            return heapBuffer(length).writeBytes(bytes, offset, length);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
        }

        private ByteBuf track(ByteBuf buffer) {
            allocated.add(buffer);
            return buffer;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        /** The buffers not yet released (forgetting the others, so that checking often stays cheap). */
        List<ByteBuf> unreleased() {
            allocated.removeIf(buffer -> buffer.refCnt() == 0);
            return List.copyOf(allocated);
        }

        /** Capacity of the buffers not yet released. */
        long liveBytes() {
            return unreleased().stream().mapToLong(ByteBuf::capacity).sum();
        }
    }

    /**
     * Collects what the broker logs about failures it swallowed: an exception that reached a handler's
     * exceptionCaught (the protocol handler logs and closes; with an in-memory channel there is no I/O error to
     * excuse it), anything logged with a Throwable or at SEVERE, and Netty's own warnings (a listener that threw, a
     * leak report from this test). Also keeps the broker's per-packet INFO lines off the console while fuzzing.
     */
    private static final class LogCapture extends Handler {

        private final Logger broker = Logger.getLogger("org.reef.mqtt");
        private final Logger netty = Logger.getLogger("io.netty");
        private final List<LogRecord> records = new ArrayList<>();
        private Level brokerLevel;
        private boolean brokerParents;

        LogCapture() {
            setLevel(Level.ALL);
        }

        void install() {
            brokerLevel = broker.getLevel();
            brokerParents = broker.getUseParentHandlers();
            broker.setLevel(Level.FINE);
            broker.setUseParentHandlers(false);
            broker.addHandler(this);
            netty.addHandler(this);
        }

        void uninstall() {
            broker.removeHandler(this);
            netty.removeHandler(this);
            broker.setLevel(brokerLevel);
            broker.setUseParentHandlers(brokerParents);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            String message = String.valueOf(record.getMessage());
            boolean fromNetty = record.getLoggerName() != null && record.getLoggerName().startsWith("io.netty");
            boolean problem = fromNetty
                    ? record.getLevel().intValue() >= Level.WARNING.intValue()
                    && (!message.contains("LEAK") || message.contains(DecoderFuzzTest.class.getSimpleName()))
                    : record.getThrown() != null || record.getLevel().intValue() >= Level.SEVERE.intValue()
                    || message.contains("connection error");
            if (problem) {
                records.add(record);
            }
        }

        synchronized List<LogRecord> records() {
            return List.copyOf(records);
        }

        synchronized String describe() {
            StringBuilder text = new StringBuilder();
            for (LogRecord record : records) {
                text.append('\n').append(record.getLevel()).append(' ').append(record.getLoggerName()).append(": ")
                        .append(record.getMessage()).append(' ')
                        .append(Arrays.toString(record.getParameters())).append(' ').append(record.getThrown());
            }
            return text.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
