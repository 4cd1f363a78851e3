package org.reef.mqtt.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inbound flow control by protocol level, on the real pipeline: an MQTT 3.1.1 client has no Receive Maximum to keep
 * to, so one with more QoS 1/2 messages in flight than the server's window is paced (held, reading off), never closed;
 * an MQTT 5 client exceeding the Receive Maximum it was told gets DISCONNECT 0x93 (MQTT 5.0 section 3.3.4).
 * The WorkManager holds deliveries until the test runs them: an application that acknowledges slowly.
 */
class InboundPacingTest {

    private final FakeWorkManager workManager = FakeWorkManager.held();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
    private final int window = broker.config().maxInflight();
    private final FakeEndpointFactory endpoint = new FakeEndpointFactory(m -> MqttAck.ACCEPTED);
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    @Test
    void anMqtt311ClientWithMoreQos1PublishesInFlightThanTheWindowIsPacedNotClosed() {
        activate("chat/#");
        EmbeddedMqttConnection c = connect("flat-out", MqttVersion.MQTT_3_1_1);
        int count = 200;
        List<MqttPublishMessage> publishes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            publishes.add(publish("chat/room", Integer.toString(i), 1, i + 1));
        }

        c.sendTogether(publishes);

        assertTrue(c.isOpen(), "not closed for exceeding a limit MQTT 3.1.1 does not have");
        assertFalse(c.server.config().isAutoRead(), "the server stopped reading from the client");
        List<Integer> acked = new ArrayList<>();
        for (int round = 0; round < 10 && acked.size() < count; round++) {
            workManager.runHeld();
            int withTheApplication = endpoint.received().size() - acked.size();
            assertTrue(withTheApplication <= window, "at most the window handed on at once: " + withTheApplication);
            for (MqttMessage reply : c.received()) {
                assertEquals(MqttMessageType.PUBACK, reply.fixedHeader().messageType());
                acked.add(((MqttMessageIdVariableHeader) reply.variableHeader()).messageId());
            }
        }
        assertEquals(count, acked.size(), "every message acknowledged");
        for (int i = 0; i < count; i++) {
            assertEquals(i + 1, acked.get(i), "PUBACKs in publish order");
            assertEquals(Integer.toString(i), new String(endpoint.received().get(i).payload(), StandardCharsets.UTF_8));
        }
        assertTrue(c.isOpen());
        assertTrue(c.server.config().isAutoRead(), "reading again once the backlog drained");
        assertEquals(0, broker.metrics().protocolErrorCount());
    }

    @Test
    void packetsReadBehindAPacedPublishWaitInOrder() {
        activate("chat/#");
        EmbeddedMqttConnection c = connect("orderly", MqttVersion.MQTT_3_1_1);
        List<MqttMessage> packets = new ArrayList<>();
        for (int i = 0; i <= window; i++) {
            packets.add(publish("chat/room", Integer.toString(i), 1, i + 1));
        }
        packets.add(MqttMessage.PINGREQ);

        c.sendTogether(packets);
        assertTrue(c.received().isEmpty(), "the PINGREQ waits behind the paced PUBLISH");
        assertEquals(1, workManager.runHeld(), "one drain of the first window");
        assertEquals(window, endpoint.received().size());

        List<MqttMessage> replies = c.received();
        List<Integer> acked = replies.stream().filter(m -> m.fixedHeader().messageType() == MqttMessageType.PUBACK)
                .map(m -> ((MqttMessageIdVariableHeader) m.variableHeader()).messageId()).toList();
        assertEquals(window, acked.size(), "the first window acknowledged");
        for (int i = 0; i < window; i++) {
            assertEquals(i + 1, acked.get(i));
        }
        assertEquals(1, replies.stream().filter(m -> m.fixedHeader().messageType() == MqttMessageType.PINGRESP)
                .count(), "answered once the paced PUBLISH went on");
        workManager.runHeld();
        MqttMessage last = c.receivedOne();
        assertEquals(window + 1, ((MqttMessageIdVariableHeader) last.variableHeader()).messageId());
        assertTrue(c.isOpen());
    }

    @Test
    void qos2MessagesAwaitingTheClientsPubrelDoNotHoldAnMqtt311ClientBack() {
        activate("chat/#");
        EmbeddedMqttConnection c = connect("exactly", MqttVersion.MQTT_3_1_1);
        int count = window + 36;
        List<MqttPublishMessage> publishes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            publishes.add(publish("plain/t", "q" + i, 2, i + 1)); // routed: PUBREC at once, then up to the client
        }
        publishes.add(publish("chat/room", "after", 1, count + 1));
        c.sendTogether(publishes);

        List<MqttMessage> pubRecs = c.received();
        assertEquals(count, pubRecs.size(), "every QoS 2 message received");
        workManager.runHeld();
        MqttMessage pubAck = c.receivedOne();
        assertEquals(MqttMessageType.PUBACK, pubAck.fixedHeader().messageType());
        List<MqttMessage> pubRels = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            pubRels.add(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false,
                    0), MqttMessageIdVariableHeader.from(i)));
        }
        c.sendTogether(pubRels);
        List<MqttMessage> pubComps = c.received();
        assertEquals(count, pubComps.size());
        assertTrue(pubComps.stream().allMatch(m -> m.fixedHeader().messageType() == MqttMessageType.PUBCOMP));
        assertTrue(c.isOpen());
    }

    @Test
    void anMqtt5ClientExceedingTheReceiveMaximumItWasToldIsDisconnectedWith0x93() {
        activate("chat/#");
        EmbeddedMqttConnection c = connect("greedy", MqttVersion.MQTT_5);
        List<MqttPublishMessage> publishes = new ArrayList<>();
        for (int i = 0; i <= window; i++) {
            publishes.add(publish("chat/room", Integer.toString(i), 1, i + 1));
        }

        c.sendTogether(publishes);

        MqttMessage disconnect = c.receivedOne();
        assertEquals(MqttMessageType.DISCONNECT, disconnect.fixedHeader().messageType());
        assertEquals(0x93, ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode()
                & 0xFF);
        assertFalse(c.isOpen());
    }

    private void activate(String filter) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(filter);
        broker.inflow().add(new MqttActivation(endpoint, spec));
    }

    private EmbeddedMqttConnection connect(String clientId, MqttVersion version) {
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(broker);
        connections.add(connection);
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
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
    }
}
