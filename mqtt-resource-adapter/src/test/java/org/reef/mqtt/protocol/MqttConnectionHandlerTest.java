package org.reef.mqtt.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.testing.FakeEndpointFactory;
import org.reef.mqtt.testing.FakeWorkManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server pipeline (codec and protocol handler) driven through the wire format on EmbeddedChannels: CONNECT,
 * SUBSCRIBE and PUBLISH flows, acknowledgement after inflow, and refusal of bad input.
 */
class MqttConnectionHandlerTest {

    private final FakeWorkManager workManager = FakeWorkManager.held();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    @Test
    void connectIsAcceptedAndPingAnswered() {
        EmbeddedMqttConnection c = connect("alice", MqttVersion.MQTT_3_1_1);
        c.send(MqttMessage.PINGREQ);
        assertEquals(MqttMessageType.PINGRESP, c.receivedOne().fixedHeader().messageType());
        assertEquals(1, broker.sessions().size());
    }

    @Test
    void aFirstPacketOtherThanConnectClosesTheConnection() {
        EmbeddedMqttConnection c = open();
        c.send(MqttMessage.PINGREQ);
        assertFalse(c.isOpen());
        assertEquals(0, broker.sessions().size());
    }

    @Test
    void mqtt5ClientWithoutIdGetsAnAssignedOne() {
        EmbeddedMqttConnection c = open();
        c.send(MqttMessageBuilders.connect().clientId("").cleanSession(true)
                .protocolVersion(MqttVersion.MQTT_5).build());
        MqttConnAckMessage connAck = (MqttConnAckMessage) c.receivedOne();
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connAck.variableHeader().connectReturnCode());
        MqttProperties.MqttProperty<?> assigned = connAck.variableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value());
        assertNotNull(assigned);
        assertTrue(((String) assigned.value()).startsWith("reef-"));
    }

    @Test
    void credentialsAreRefusedAsServerUnavailableWhileNoAuthenticatorIsInstalled() {
        EmbeddedMqttConnection c = open();
        c.send(MqttMessageBuilders.connect().clientId("mallory").protocolVersion(MqttVersion.MQTT_3_1_1)
                .username("mallory").password("guess".getBytes(StandardCharsets.UTF_8)).build());
        MqttConnAckMessage connAck = (MqttConnAckMessage) c.receivedOne();
        // Nothing can check them (the application is not deployed yet, or redeploys): try again later, not "bad".
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                connAck.variableHeader().connectReturnCode());
        assertFalse(c.isOpen());
    }

    @Test
    void aPlainTopicIsRoutedToMatchingSubscribersAndAcknowledged() {
        EmbeddedMqttConnection subscriber = connect("sub", MqttVersion.MQTT_3_1_1);
        subscriber.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE,
                "sensors/+/temp").build());
        MqttSubAckMessage subAck = (MqttSubAckMessage) subscriber.receivedOne();
        assertEquals(List.of(1), subAck.payload().reasonCodes());

        EmbeddedMqttConnection publisher = connect("pub", MqttVersion.MQTT_3_1_1);
        publisher.send(publish("sensors/kitchen/temp", "21", 1, 7));

        MqttMessage ack = publisher.receivedOne();
        assertEquals(MqttMessageType.PUBACK, ack.fixedHeader().messageType());
        MqttPublishMessage delivered = (MqttPublishMessage) subscriber.receivedOne();
        try {
            assertEquals("sensors/kitchen/temp", delivered.variableHeader().topicName());
            assertEquals("21", delivered.payload().toString(StandardCharsets.UTF_8));
            assertEquals(MqttQoS.AT_LEAST_ONCE, delivered.fixedHeader().qosLevel());
            assertTrue(delivered.variableHeader().packetId() > 0);
        } finally {
            delivered.release();
        }
        assertEquals(0, workManager.scheduledCount(), "no container call for a plain topic");
    }

    @Test
    void aTopicActivatedByAnEndpointIsAcknowledgedOnlyAfterDelivery() {
        FakeEndpointFactory endpoint = new FakeEndpointFactory(m -> MqttAck.ACCEPTED);
        activate(endpoint, "chat/#");
        EmbeddedMqttConnection publisher = connect("pub", MqttVersion.MQTT_3_1_1);

        publisher.send(publish("chat/room", "hi", 1, 42));

        assertTrue(publisher.received().isEmpty(), "no PUBACK before the endpoint took the message");
        assertEquals(1, workManager.runHeld());
        MqttMessage ack = publisher.receivedOne();
        assertEquals(MqttMessageType.PUBACK, ack.fixedHeader().messageType());
        assertEquals(List.of("create", "before", "onMessage:chat/room", "after", "release"), endpoint.calls());
        assertEquals("pub", endpoint.received().get(0).clientId());
    }

    @Test
    void aQos2ResendWhileTheFirstIsStillWithTheApplicationIsAnsweredOnceAndDeliveredOnce() {
        FakeEndpointFactory endpoint = new FakeEndpointFactory(m -> MqttAck.ACCEPTED);
        activate(endpoint, "chat/#");
        EmbeddedMqttConnection publisher = connect("pub", MqttVersion.MQTT_5);

        publisher.send(publish("chat/room", "once", 2, 7));
        publisher.send(MqttMessageBuilders.publish().topicName("chat/room").qos(MqttQoS.EXACTLY_ONCE).messageId(7)
                .retained(false).payload(Unpooled.copiedBuffer("once", StandardCharsets.UTF_8)).build());
        assertTrue(publisher.received().isEmpty(), "no PUBREC before the application took the message");

        workManager.runHeld();
        List<MqttMessage> replies = publisher.received();
        assertEquals(1, replies.size(), "one PUBREC for the message and its resend: " + replies);
        assertEquals(MqttMessageType.PUBREC, replies.get(0).fixedHeader().messageType());
        assertEquals(1, endpoint.received().size(), "delivered to the application once");

        publisher.send(new MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PUBREL, false,
                MqttQoS.AT_LEAST_ONCE, false, 0), io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader.from(7)));
        assertEquals(MqttMessageType.PUBCOMP, publisher.receivedOne().fixedHeader().messageType());
    }

    @Test
    void aFailedDeliveryIsNotAcknowledgedToAnMqtt311Client() {
        activate(new FakeEndpointFactory(m -> {
            throw new IllegalStateException("database down");
        }), "chat/#");
        EmbeddedMqttConnection publisher = connect("pub", MqttVersion.MQTT_3_1_1);

        publisher.send(publish("chat/room", "hi", 1, 42));
        workManager.runHeld();

        assertTrue(publisher.received().isEmpty());
        assertTrue(publisher.isOpen(), "the client keeps its connection and may retry");
    }

    @Test
    void aFailedDeliveryGetsAnErrorReasonCodeForAnMqtt5Client() {
        activate(new FakeEndpointFactory(m -> {
            throw new IllegalStateException("database down");
        }), "chat/#");
        EmbeddedMqttConnection publisher = connect("pub", MqttVersion.MQTT_5);

        publisher.send(publish("chat/room", "hi", 1, 42));
        workManager.runHeld();

        MqttMessage ack = publisher.receivedOne();
        assertEquals(MqttMessageType.PUBACK, ack.fixedHeader().messageType());
        MqttPubReplyMessageVariableHeader header = (MqttPubReplyMessageVariableHeader) ack.variableHeader();
        assertEquals(42, header.messageId());
        assertEquals(0x80, header.reasonCode() & 0xFF);
    }

    @Test
    void aRefusalIsSentAsThePubackReasonCode() {
        activate(new FakeEndpointFactory(m -> MqttAck.refused(0x87, "not yours")), "chat/#");
        EmbeddedMqttConnection publisher = connect("pub", MqttVersion.MQTT_5);

        publisher.send(publish("chat/room", "hi", 1, 5));
        workManager.runHeld();

        MqttPubReplyMessageVariableHeader header =
                (MqttPubReplyMessageVariableHeader) publisher.receivedOne().variableHeader();
        assertEquals(0x87, header.reasonCode() & 0xFF);
    }

    @Test
    void aMalformedPacketClosesOnlyItsConnection() {
        EmbeddedMqttConnection bystander = connect("bystander", MqttVersion.MQTT_3_1_1);
        EmbeddedMqttConnection c = connect("bad", MqttVersion.MQTT_3_1_1);
        // SUBSCRIBE must have flags 0010 (MQTT 3.1.1 section 3.8.1): 0x80 is malformed.
        c.sendRaw(Unpooled.wrappedBuffer(new byte[]{(byte) 0x80, 0x02, 0x00, 0x01}));
        assertFalse(c.isOpen());
        assertTrue(bystander.isOpen());
        assertEquals(1, broker.metrics().protocolErrorCount());
    }

    @Test
    void anOversizedPacketGetsDisconnectPacketTooLargeInMqtt5() {
        EmbeddedMqttConnection c = connect("big", MqttVersion.MQTT_5);
        byte[] payload = new byte[BrokerConfig.forTests().maxPacketSize() + 1];
        c.send(publish("plain/topic", new String(payload, StandardCharsets.ISO_8859_1), 0, 0));
        MqttMessage disconnect = c.receivedOne();
        assertEquals(MqttMessageType.DISCONNECT, disconnect.fixedHeader().messageType());
        assertEquals(0x95, ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode() & 0xFF);
        assertFalse(c.isOpen());
    }

    @Test
    void aSecondConnectionWithTheSameIdTakesTheSessionOver() {
        EmbeddedMqttConnection first = connect("phone", MqttVersion.MQTT_5);
        EmbeddedMqttConnection second = connect("phone", MqttVersion.MQTT_5);
        MqttMessage disconnect = first.receivedOne();
        assertEquals(MqttMessageType.DISCONNECT, disconnect.fixedHeader().messageType());
        assertEquals(0x8E, ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode() & 0xFF);
        assertFalse(first.isOpen());
        assertTrue(second.isOpen());
        assertEquals(1, broker.sessions().size());
    }

    private void activate(FakeEndpointFactory factory, String filter) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(filter);
        broker.inflow().add(new MqttActivation(factory, spec));
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
        MqttMessage connAck = connection.receivedOne();
        assertInstanceOf(MqttConnAckMessage.class, connAck);
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                ((MqttConnAckMessage) connAck).variableHeader().connectReturnCode());
        ReferenceCountUtil.release(connAck);
        return connection;
    }

    private static MqttPublishMessage publish(String topic, String payload, int qos, int packetId) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(packetId)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.ISO_8859_1)).build();
    }
}
