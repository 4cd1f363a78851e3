package org.reef.mqtt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.testing.FakeWorkManager;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and forbidden input written byte by byte, organised by the spec rule it breaks (MQTT 3.1.1 and 5.0):
 * every case must close only the offending connection, MQTT 5 clients past CONNECT first getting a DISCONNECT with the
 * reason of MQTT 5.0 section 4.13 (0x81 Malformed Packet, 0x82 Protocol Error, 0x95 Packet too large), while a
 * bystander connection on the same broker goes on answering PINGREQ, and the broker counts exactly one protocol error.
 *
 * <p>Bytes are built by hand with {@link Wire}, since Netty's encoder cannot produce most of these packets.
 */
class MalformedInputTest {

    private static final int MALFORMED = 0x81;
    private static final int PROTOCOL_ERROR = 0x82;
    private static final int TOPIC_NAME_INVALID = 0x90;
    private static final int PACKET_TOO_LARGE = 0x95;
    /** The largest Remaining Length the four-byte Variable Byte Integer can express (MQTT 5.0 section 1.5.5). */
    private static final int MAX_REMAINING_LENGTH = 268_435_455;

    private final FakeWorkManager workManager = FakeWorkManager.held();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();
    private EmbeddedMqttConnection bystander;

    @BeforeEach
    void connectBystander() {
        bystander = connect("bystander", MqttVersion.MQTT_3_1_1);
    }

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    // ---- MQTT 3.1.1 section 2.2, MQTT 5.0 section 2.1: the fixed header ----

    /** Packet type 0 is reserved in both versions (MQTT 3.1.1 table 2.1, MQTT 5.0 table 2-1). */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void reservedPacketTypeZeroIsMalformed(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(new byte[]{0x00, 0x00}));
        assertClosedAfterConnect(c, version, MALFORMED);
    }

    /** Packet type 15 is reserved in MQTT 3.1.1 (table 2.1); in MQTT 5 it is AUTH. */
    @Test
    void packetTypeFifteenIsReservedInMqtt311() {
        EmbeddedMqttConnection c = connect("victim", MqttVersion.MQTT_3_1_1);
        c.sendRaw(Unpooled.wrappedBuffer(new byte[]{(byte) 0xF0, 0x00}));
        assertClosedAfterConnect(c, MqttVersion.MQTT_3_1_1);
    }

    /**
     * MQTT 5.0 sections 3.15 and 4.12: only a client whose CONNECT named an Authentication Method may send AUTH; from
     * any other client it is a Protocol Error.
     */
    @Test
    void authWithoutAnAuthenticationMethodIsAProtocolError() {
        EmbeddedMqttConnection c = connect("victim", MqttVersion.MQTT_5);
        c.sendRaw(Unpooled.wrappedBuffer(new byte[]{(byte) 0xF0, 0x02, 0x18, 0x00})); // Continue authentication
        assertClosedAfterConnect(c, MqttVersion.MQTT_5, PROTOCOL_ERROR);
    }

    /**
     * Flags other than those of table 2.2 (MQTT 3.1.1 section 2.2.2 [MQTT-2.2.2-2], MQTT 5.0 section 2.1.3): the
     * receiver must close the connection; MQTT 5 calls it a Malformed Packet.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wrongFlags")
    void reservedFixedHeaderFlagsMustMatchThePacketType(MqttVersion version, String packet, byte[] bytes) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(bytes));
        assertClosedAfterConnect(c, version, MALFORMED);
    }

    static Stream<Arguments> wrongFlags() {
        return bothVersions(version -> {
            boolean v5 = version == MqttVersion.MQTT_5;
            byte[] subscribeBody = new Wire().u16(1).properties(v5).utf8("a/b").u8(0).bytes();
            byte[] unsubscribeBody = new Wire().u16(1).properties(v5).utf8("a/b").bytes();
            return Stream.of(
                    Arguments.of(version, "SUBSCRIBE flags 0000", Wire.packet(0x80, subscribeBody)),
                    Arguments.of(version, "SUBSCRIBE flags 0011", Wire.packet(0x83, subscribeBody)),
                    Arguments.of(version, "UNSUBSCRIBE flags 0000", Wire.packet(0xA0, unsubscribeBody)),
                    Arguments.of(version, "PUBREL flags 0000", Wire.packet(0x60, new Wire().u16(1).bytes())),
                    Arguments.of(version, "PUBACK flags 0010", Wire.packet(0x42, new Wire().u16(1).bytes())),
                    Arguments.of(version, "PINGREQ flags 0001", new byte[]{(byte) 0xC1, 0x00}),
                    Arguments.of(version, "DISCONNECT flags 1000", new byte[]{(byte) 0xE8, 0x00}));
        });
    }

    /** A PUBLISH with both QoS bits set (MQTT 3.1.1 [MQTT-3.3.1-4], MQTT 5.0 section 3.3.1.2: Malformed Packet). */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void publishWithQos3IsMalformed(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(publish(0x36, Wire.utf8Bytes("a/b"), 1, version, "x")));
        assertClosedAfterConnect(c, version, MALFORMED);
    }

    /**
     * QoS 1 and 2 PUBLISH carry a non-zero Packet Identifier (MQTT 3.1.1 section 2.3.1 [MQTT-2.3.1-1], MQTT 5.0
     * section 2.2.1 [MQTT-2.2.1-3]). The spec names no reason code: Netty's decoder rejects it while parsing, so
     * 0x81; 0x82 would be as defensible.
     */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void publishWithQos1AndPacketIdZeroIsRefused(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(publish(0x32, Wire.utf8Bytes("a/b"), 0, version, "x")));
        assertClosedAfterConnect(c, version, MALFORMED, PROTOCOL_ERROR);
    }

    /** Remaining Length takes at most four bytes (MQTT 3.1.1 section 2.2.3, MQTT 5.0 section 1.5.5). */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void remainingLengthInFiveBytesIsMalformed(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(new byte[]{0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01,
                0x00, 0x01, 'a'}));
        assertClosedAfterConnect(c, version, MALFORMED);
    }

    /**
     * The largest Remaining Length there is, followed by a handful of bytes: the server must refuse it for exceeding
     * the Maximum Packet Size it announced in CONNACK (MQTT 5.0 section 3.2.2.3.6: DISCONNECT 0x95 Packet too large)
     * as soon as it read the fixed header, without waiting for, or making room for, 256 MiB.
     */
    @ParameterizedTest(name = "{0} first byte {1}")
    @MethodSource("hugeLengthPackets")
    void theLargestRemainingLengthIsRefusedAsTooLarge(MqttVersion version, int firstByte) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(new Wire().u8(firstByte).vbi(MAX_REMAINING_LENGTH)
                .utf8("a/b").u16(7).u8(0, 'x', 'y', 'z').bytes()));
        assertClosedAfterConnect(c, version, PACKET_TOO_LARGE);
    }

    static Stream<Arguments> hugeLengthPackets() {
        return bothVersions(version -> IntStream.of(0x30, 0x32, 0x82, 0xA2, 0x62)
                .mapToObj(firstByte -> Arguments.of(version, firstByte)));
    }

    /** One byte above the server's Maximum Packet Size is already too large. */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void oneByteAboveTheMaximumPacketSizeIsRefused(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(new Wire().u8(0x30).vbi(broker.config().maxPacketSize() + 1).utf8("a/b")
                .bytes()));
        assertClosedAfterConnect(c, version, PACKET_TOO_LARGE);
    }

    /**
     * The client goes away in the middle of a packet: no exception, no buffer kept, and since it never sent
     * DISCONNECT its will is published (MQTT 3.1.1 section 3.1.2.5, MQTT 5.0 section 3.1.2.5). Nothing malformed was
     * received, only an incomplete packet cut by the end of the stream, so no protocol error is counted.
     */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void aPacketCutByTheEndOfTheStreamLeavesNothingBehind(MqttVersion version) {
        bystander.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "will/#")
                .build());
        ReferenceCountUtil.release(bystander.receivedOne());
        EmbeddedMqttConnection c = open();
        c.send(MqttMessageBuilders.connect().clientId("victim").cleanSession(true).protocolVersion(version)
                .willFlag(true).willTopic("will/victim").willMessage("gone".getBytes(StandardCharsets.UTF_8))
                .build());
        assertAccepted(c.receivedOne());
        byte[] publish = publish(0x32, Wire.utf8Bytes("a/b"), 9, version, "payload");
        var half = Unpooled.wrappedBuffer(Arrays.copyOf(publish, publish.length / 2));
        c.sendRaw(half);
        assertTrue(c.isOpen());

        c.server.close();

        assertFalse(c.isOpen());
        assertEquals(0, half.refCnt(), "the decoder released the partial packet");
        MqttPublishMessage will = (MqttPublishMessage) bystander.receivedOne();
        try {
            assertEquals("will/victim", will.variableHeader().topicName());
        } finally {
            will.release();
        }
        assertEquals(0, broker.metrics().protocolErrorCount());
        assertBystanderWorks();
    }

    // ---- MQTT 3.1.1 section 1.5.3, MQTT 5.0 section 1.5.4: UTF-8 Encoded Strings ----

    /**
     * Ill-formed UTF-8 in a topic name: an overlong encoding of U+0000 (C0 80), a surrogate (ED A0 80), a lone
     * continuation byte, a truncated sequence and an out-of-range code point. MQTT 3.1.1 [MQTT-1.5.3-1] and MQTT 5.0
     * [MQTT-1.5.4-1]: the receiver closes the connection; MQTT 5 calls it a Malformed Packet.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("illFormedUtf8")
    void illFormedUtf8InATopicIsMalformed(MqttVersion version, String hex) {
        EmbeddedMqttConnection c = connect("victim", version);
        byte[] topic = concat("a/".getBytes(StandardCharsets.US_ASCII), HexFormat.of().parseHex(hex));
        c.sendRaw(Unpooled.wrappedBuffer(publish(0x30, topic, 0, version, "x")));
        assertClosedAfterConnect(c, version, MALFORMED);
    }

    static Stream<Arguments> illFormedUtf8() {
        return bothVersions(version -> Stream.of("c080", "eda080", "edbfbf", "80", "e282", "f4908080", "ff")
                .map(hex -> Arguments.of(version, hex)));
    }

    /** U+0000 in a UTF-8 Encoded String (MQTT 3.1.1 [MQTT-1.5.3-2], MQTT 5.0 [MQTT-1.5.4-2]). */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void theNullCharacterInATopicIsMalformed(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(publish(0x30, new byte[]{'a', 0x00, 'b'}, 0, version, "x")));
        assertClosedAfterConnect(c, version, MALFORMED);
    }

    /**
     * A topic name must not contain wildcards (MQTT 3.1.1 and 5.0 [MQTT-3.3.2-2]). Netty rejects it while decoding
     * (0x81); 0x90 Topic Name invalid would be as right.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wildcardTopics")
    void aWildcardInAPublishTopicIsRefused(MqttVersion version, String topic) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(publish(0x30, Wire.utf8Bytes(topic), 0, version, "x")));
        assertClosedAfterConnect(c, version, MALFORMED, TOPIC_NAME_INVALID);
    }

    static Stream<Arguments> wildcardTopics() {
        return bothVersions(version -> Stream.of("a/+", "#", "a/+/b", "a/#").map(t -> Arguments.of(version, t)));
    }

    // ---- MQTT 3.1.1 sections 3.8 and 3.10, MQTT 5.0 sections 3.8 and 3.10: SUBSCRIBE and UNSUBSCRIBE ----

    /** A SUBSCRIBE must carry at least one filter (MQTT 3.1.1 [MQTT-3.8.3-3], MQTT 5.0 section 3.8.3). */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void aSubscribeWithoutFiltersIsAProtocolError(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(Wire.packet(0x82,
                new Wire().u16(1).properties(version == MqttVersion.MQTT_5).bytes())));
        assertClosedAfterConnect(c, version, PROTOCOL_ERROR);
    }

    /** An UNSUBSCRIBE must carry at least one filter (MQTT 3.1.1 [MQTT-3.10.3-2], MQTT 5.0 section 3.10.3). */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void anUnsubscribeWithoutFiltersIsAProtocolError(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(Wire.packet(0xA2,
                new Wire().u16(1).properties(version == MqttVersion.MQTT_5).bytes())));
        assertClosedAfterConnect(c, version, PROTOCOL_ERROR);
    }

    /**
     * MQTT 5.0 section 3.8.3.1: bits 6 and 7 of the Subscription Options are reserved; a server must treat a SUBSCRIBE
     * with either set as malformed [MQTT-3.8.3-5].
     */
    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x80, 0xC1})
    void reservedSubscriptionOptionBitsAreMalformedInMqtt5(int options) {
        EmbeddedMqttConnection c = connect("victim", MqttVersion.MQTT_5);
        c.sendRaw(Unpooled.wrappedBuffer(subscribe(MqttVersion.MQTT_5, options)));
        assertClosedAfterConnect(c, MqttVersion.MQTT_5, MALFORMED);
    }

    /**
     * MQTT 3.1.1 section 3.8.3.1: bits 2 to 7 of the Requested QoS byte are reserved; a server must treat a SUBSCRIBE
     * with any set as malformed and close [MQTT-3-8.3-4]. (In MQTT 5 the same bits mean No Local, Retain As Published
     * and Retain Handling: a 3.1.1 client must not get them.)
     */
    @ParameterizedTest
    @ValueSource(ints = {0x04, 0x08, 0x10, 0x41, 0x80})
    void reservedRequestedQosBitsAreMalformedInMqtt311(int options) {
        EmbeddedMqttConnection c = connect("victim", MqttVersion.MQTT_3_1_1);
        c.sendRaw(Unpooled.wrappedBuffer(subscribe(MqttVersion.MQTT_3_1_1, options)));
        assertClosedAfterConnect(c, MqttVersion.MQTT_3_1_1);
    }

    /**
     * A requested QoS of 3: malformed in MQTT 3.1.1 [MQTT-3-8.3-4]; a Protocol Error in MQTT 5.0 section 3.8.3.1
     * (Netty's decoder rejects it while parsing, so 0x81 is accepted too).
     */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void aRequestedQosOf3IsRefused(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(subscribe(version, 0x03)));
        assertClosedAfterConnect(c, version, PROTOCOL_ERROR, MALFORMED);
    }

    /** MQTT 5.0 section 3.8.3.1: Retain Handling 3 is a Protocol Error (Netty calls it malformed: accepted too). */
    @Test
    void retainHandling3IsRefused() {
        EmbeddedMqttConnection c = connect("victim", MqttVersion.MQTT_5);
        c.sendRaw(Unpooled.wrappedBuffer(subscribe(MqttVersion.MQTT_5, 0x31)));
        assertClosedAfterConnect(c, MqttVersion.MQTT_5, PROTOCOL_ERROR, MALFORMED);
    }

    // ---- MQTT 3.1.1 section 3.1, MQTT 5.0 section 3.1: CONNECT ----

    /**
     * A protocol name other than "MQTT" (MQTT 3.1.1 section 3.1.2.1 [MQTT-3.1.2-1], MQTT 5.0 section 3.1.2.1): the
     * server may close at once, or answer CONNACK 0x01 / 0x84 first; it must not accept.
     */
    @ParameterizedTest(name = "level {0} name {1}")
    @MethodSource("wrongProtocolNames")
    void aWrongProtocolNameIsRefused(int level, String name) {
        EmbeddedMqttConnection c = open();
        c.sendRaw(Unpooled.wrappedBuffer(connect(name, level, 0x02, "victim")));
        assertConnectRefused(c, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION,
                MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET,
                MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR);
    }

    static Stream<Arguments> wrongProtocolNames() {
        return Stream.of(Arguments.of(4, "MQTX"), Arguments.of(4, "mqtt"), Arguments.of(4, "MQIsdp"),
                Arguments.of(5, "MQTT5"), Arguments.of(5, ""), Arguments.of(4, "HTTP"));
    }

    /**
     * An unsupported protocol level: CONNACK 0x01 (MQTT 3.1.1 [MQTT-3.1.2-2]) or 0x84 (MQTT 5.0 section 3.1.2.2),
     * then close.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 6, 0x7F, 0x84})
    void anUnsupportedProtocolLevelIsRefused(int level) {
        EmbeddedMqttConnection c = open();
        c.sendRaw(Unpooled.wrappedBuffer(connect("MQTT", level, 0x02, "victim")));
        assertConnectRefused(c, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION);
    }

    /**
     * The reserved bit 0 of the Connect Flags must be zero (MQTT 3.1.1 [MQTT-3.1.2-3]; MQTT 5.0 section 3.1.2.3: a
     * Malformed Packet).
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void theReservedConnectFlagMustBeZero(int level) {
        EmbeddedMqttConnection c = open();
        c.sendRaw(Unpooled.wrappedBuffer(connect("MQTT", level, 0x03, "victim")));
        assertConnectRefused(c, MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET);
    }

    /**
     * Will QoS 3 (MQTT 3.1.1 [MQTT-3.1.2-14], MQTT 5.0 section 3.1.2.6: Malformed Packet) and a will QoS without the
     * Will Flag ([MQTT-3.1.2-13], MQTT 5.0 [MQTT-3.1.2-11]).
     */
    @ParameterizedTest(name = "level {0} flags {1}")
    @MethodSource("badWillFlags")
    void inconsistentWillFlagsAreRefused(int level, int flags) {
        EmbeddedMqttConnection c = open();
        c.sendRaw(Unpooled.wrappedBuffer(connect("MQTT", level, flags, "victim")));
        assertConnectRefused(c, MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET,
                MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR);
    }

    static Stream<Arguments> badWillFlags() {
        // 0x1E: clean + will + QoS 3; 0x0A: clean + QoS 1 without will; 0x22: clean + retain without will
        return IntStream.of(4, 5).boxed().flatMap(level -> IntStream.of(0x1E, 0x0A, 0x22)
                .mapToObj(flags -> Arguments.of(level, flags)));
    }

    /** A second CONNECT is a protocol violation (MQTT 3.1.1 [MQTT-3.1.0-2], MQTT 5.0 [MQTT-3.1.0-2]: 0x82). */
    @ParameterizedTest
    @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
    void aSecondConnectIsAProtocolError(MqttVersion version) {
        EmbeddedMqttConnection c = connect("victim", version);
        c.sendRaw(Unpooled.wrappedBuffer(connect("MQTT", version.protocolLevel(), 0x02, "victim")));
        assertClosedAfterConnect(c, version, PROTOCOL_ERROR);
        assertEquals(1, broker.connected().get(), "only the bystander is still connected");
    }

    /**
     * A second CONNECT from an MQTT 5 client that declares another protocol level is just as much a Protocol Error,
     * and the DISCONNECT must still be an MQTT 5 one carrying 0x82: the connection's version is the one its first
     * CONNECT established, whatever a later packet claims.
     */
    @Test
    void aSecondConnectDeclaringMqtt311DoesNotChangeTheConnectionsVersion() {
        EmbeddedMqttConnection c = connect("victim", MqttVersion.MQTT_5);
        c.sendRaw(Unpooled.wrappedBuffer(connect("MQTT", 4, 0x02, "victim")));
        assertClosedAfterConnect(c, MqttVersion.MQTT_5, PROTOCOL_ERROR);
    }

    /** Anything before CONNECT closes the connection without an answer (MQTT 3.1.1 and 5.0 [MQTT-3.1.0-1]). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("packetsBeforeConnect")
    void aPacketBeforeConnectClosesTheConnection(String packet, byte[] bytes) {
        EmbeddedMqttConnection c = open();
        c.sendRaw(Unpooled.wrappedBuffer(bytes));
        assertTrue(c.received().isEmpty(), "no answer before CONNECT");
        assertFalse(c.isOpen());
        assertBystanderWorks();
        assertEquals(1, broker.metrics().protocolErrorCount());
        assertEquals(1, broker.sessions().size(), "only the bystander has a session");
    }

    static Stream<Arguments> packetsBeforeConnect() {
        return Stream.of(
                Arguments.of("PINGREQ", new byte[]{(byte) 0xC0, 0x00}),
                Arguments.of("PUBLISH", publish(0x30, Wire.utf8Bytes("a/b"), 0, MqttVersion.MQTT_3_1_1, "x")),
                Arguments.of("SUBSCRIBE", subscribe(MqttVersion.MQTT_3_1_1, 0x00)),
                Arguments.of("DISCONNECT", new byte[]{(byte) 0xE0, 0x00}),
                Arguments.of("PUBREL", Wire.packet(0x62, new Wire().u16(1).bytes())),
                Arguments.of("CONNACK", new byte[]{0x20, 0x02, 0x00, 0x00}));
    }

    // ---- helpers ----

    /**
     * The connection, past CONNECT, was closed for the packet just sent: an MQTT 5 client got exactly one DISCONNECT
     * with one of the given reasons first, an MQTT 3.1.1 client nothing; the bystander still works; one protocol error.
     */
    private void assertClosedAfterConnect(EmbeddedMqttConnection c, MqttVersion version, int... reasons) {
        List<MqttMessage> replies = c.received();
        try {
            if (version == MqttVersion.MQTT_5) {
                assertEquals(1, replies.size(), "one DISCONNECT expected, got " + replies);
                MqttMessage disconnect = replies.get(0);
                assertEquals(MqttMessageType.DISCONNECT, disconnect.fixedHeader().messageType());
                int reason = ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode()
                        & 0xFF;
                assertTrue(Arrays.stream(reasons).anyMatch(r -> r == reason), String.format(
                        "DISCONNECT reason 0x%02X, expected one of %s", reason, hex(reasons)));
            } else {
                assertTrue(replies.isEmpty(), "an MQTT 3.1.1 client gets no answer to a bad packet: " + replies);
            }
        } finally {
            replies.forEach(ReferenceCountUtil::release);
        }
        assertFalse(c.isOpen(), "the offending connection is closed");
        assertBystanderWorks();
        assertEquals(1, broker.metrics().protocolErrorCount(), "one protocol error counted");
    }

    /**
     * The CONNECT just sent was refused: closed, with at most a CONNACK carrying one of the given codes. The reply is
     * read as raw bytes since the test's client decoder, having sent no CONNECT itself, would not know the version.
     */
    private void assertConnectRefused(EmbeddedMqttConnection c, MqttConnectReturnCode... allowed) {
        byte[] reply = rawReply(c);
        if (reply.length > 0) {
            assertEquals(0x20, reply[0] & 0xFF,
                    "only a CONNACK may answer a bad CONNECT: " + HexFormat.of().formatHex(reply));
            int code = reply[3] & 0xFF; // first byte, one-byte Remaining Length, acknowledge flags, reason code
            assertTrue(Arrays.stream(allowed).anyMatch(a -> (a.byteValue() & 0xFF) == code),
                    String.format("CONNACK 0x%02X, expected one of %s", code, Arrays.toString(allowed)));
            assertTrue(code >= 0x01, "refused");
        }
        assertFalse(c.isOpen(), "the connection is closed");
        assertEquals(1, broker.sessions().size(), "only the bystander has a session");
        assertBystanderWorks();
        assertEquals(1, broker.metrics().protocolErrorCount(), "one protocol error counted");
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

    private void assertBystanderWorks() {
        bystander.send(MqttMessage.PINGREQ);
        assertEquals(MqttMessageType.PINGRESP, bystander.receivedOne().fixedHeader().messageType());
    }

    private EmbeddedMqttConnection open() {
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(broker);
        connections.add(connection);
        return connection;
    }

    private EmbeddedMqttConnection connect(String clientId, MqttVersion version) {
        EmbeddedMqttConnection connection = open();
        connection.send(MqttMessageBuilders.connect().clientId(clientId).cleanSession(true)
                .protocolVersion(version).keepAlive(30).build());
        assertAccepted(connection.receivedOne());
        return connection;
    }

    private static void assertAccepted(MqttMessage connAck) {
        try {
            assertInstanceOf(MqttConnAckMessage.class, connAck);
            assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                    ((MqttConnAckMessage) connAck).variableHeader().connectReturnCode());
        } finally {
            ReferenceCountUtil.release(connAck);
        }
    }

    private static Stream<Arguments> bothVersions(Function<MqttVersion, Stream<Arguments>> cases) {
        return Stream.of(MqttVersion.MQTT_3_1_1, MqttVersion.MQTT_5).flatMap(cases);
    }

    /** A PUBLISH with a raw topic (UTF-8 or not), a packet id when {@code packetId >= 0} and QoS bits ask for one. */
    static byte[] publish(int firstByte, byte[] topic, int packetId, MqttVersion version, String payload) {
        Wire body = new Wire().string(topic);
        if ((firstByte & 0x06) != 0) {
            body.u16(packetId);
        }
        body.properties(version == MqttVersion.MQTT_5);
        body.raw(payload.getBytes(StandardCharsets.UTF_8));
        return Wire.packet(firstByte, body.bytes());
    }

    /** A SUBSCRIBE (packet id 1) to "a/b" with the given options byte. */
    static byte[] subscribe(MqttVersion version, int options) {
        return Wire.packet(0x82, new Wire().u16(1).properties(version == MqttVersion.MQTT_5).utf8("a/b").u8(options)
                .bytes());
    }

    /** A CONNECT with the given protocol name, level and flags, keep-alive 30 s, no properties beyond an empty set. */
    static byte[] connect(String protocolName, int level, int flags, String clientId) {
        Wire body = new Wire().utf8(protocolName).u8(level, flags).u16(30).properties(level == 5).utf8(clientId);
        if ((flags & 0x04) != 0) {
            body.properties(level == 5).utf8("will/topic").utf8("will");
        }
        return Wire.packet(0x10, body.bytes());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String hex(int[] values) {
        return Arrays.toString(Arrays.stream(values).mapToObj(v -> String.format("0x%02X", v)).toArray());
    }

    /**
     * Hand-written wire format (MQTT 5.0 section 1.5): one- and two-byte integers, Variable Byte Integers, UTF-8
     * Encoded Strings (or any bytes behind a two-byte length), and whole packets with their fixed header.
     */
    static final class Wire {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Wire u8(int... values) {
            for (int value : values) {
                out.write(value);
            }
            return this;
        }

        Wire u16(int value) {
            return u8(value >> 8 & 0xFF, value & 0xFF);
        }

        Wire u32(long value) {
            return u16((int) (value >> 16 & 0xFFFF)).u16((int) (value & 0xFFFF));
        }

        /** A Variable Byte Integer (MQTT 5.0 section 1.5.5, MQTT 3.1.1 section 2.2.3). */
        Wire vbi(int value) {
            do {
                int digit = value % 128;
                value /= 128;
                u8(value > 0 ? digit | 0x80 : digit);
            } while (value > 0);
            return this;
        }

        /** A UTF-8 Encoded String: two-byte length, then the bytes. */
        Wire utf8(String value) {
            return string(utf8Bytes(value));
        }

        /** Any bytes behind a two-byte length (a UTF-8 string that may be ill-formed, or Binary Data). */
        Wire string(byte[] bytes) {
            return u16(bytes.length).raw(bytes);
        }

        Wire raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** An empty MQTT 5 property set (a zero Property Length), nothing for MQTT 3.1.1. */
        Wire properties(boolean v5) {
            return v5 ? u8(0) : this;
        }

        /** An MQTT 5 property set: its length as a Variable Byte Integer, then the properties. */
        Wire properties(Wire properties) {
            byte[] bytes = properties.bytes();
            return vbi(bytes.length).raw(bytes);
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        static byte[] utf8Bytes(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        /** A whole packet: the first byte, the Remaining Length, the rest. */
        static byte[] packet(int firstByte, byte[] body) {
            return new Wire().u8(firstByte).vbi(body.length).raw(body).bytes();
        }
    }
}
