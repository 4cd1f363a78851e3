package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.session.Session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PUBLISH with MQTT 5: properties passed through unchanged (MQTT 5.0 section 3.3.2.3), Topic Aliases both ways
 * (section 3.3.2.3.4), QoS 2 both ways (section 4.3.3) and PUBREL for an unknown packet identifier.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Mqtt5PublishTest extends BrokerTestBase {

    @BeforeEach
    void start() throws InterruptedException {
        start(BrokerConfig.forTests());
    }

    // ---- properties ----

    /** [MQTT-3.3.2-4], [MQTT-3.3.2-15] to [MQTT-3.3.2-18], [MQTT-3.3.2-20]: forwarded unaltered, in order. */
    @Test
    void applicationPropertiesAreForwardedUnchanged() throws Exception {
        BlockingQueue<Mqtt5Publish> received = hive.subscriber("consumer", "rpc/#", MqttQos.AT_LEAST_ONCE);
        byte[] correlation = {0, 1, 2, (byte) 0xFF, 42};
        hive.connect("producer").publishWith().topic("rpc/request").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("{\"q\":1}"))
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .contentType("application/json")
                .responseTopic("rpc/reply/producer")
                .correlationData(correlation)
                .userProperties().add("trace", "t-1").add("hop", "a").add("trace", "t-2").add("hop", "b")
                .add("ünïcode", "välue").applyUserProperties()
                .send();

        Mqtt5Publish message = Hive5.next(received);
        assertEquals(Mqtt5PayloadFormatIndicator.UTF_8, message.getPayloadFormatIndicator().orElse(null));
        assertEquals("application/json", message.getContentType().map(Object::toString).orElse(null));
        assertEquals("rpc/reply/producer", message.getResponseTopic().map(Object::toString).orElse(null));
        assertArrayEquals(correlation, bytes(message.getCorrelationData().orElse(null)));
        assertEquals(List.of("trace=t-1", "hop=a", "trace=t-2", "hop=b", "ünïcode=välue"),
                pairs(message.getUserProperties().asList()), "user properties in order, repeats kept");
    }

    @Test
    void aMessageWithoutPropertiesArrivesWithout() throws Exception {
        BlockingQueue<Mqtt5Publish> received = hive.subscriber("consumer", "plain/#", MqttQos.AT_LEAST_ONCE);
        hive.connect("producer").publishWith().topic("plain/x").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("x")).send();
        Mqtt5Publish message = Hive5.next(received);
        assertTrue(message.getPayloadFormatIndicator().isEmpty());
        assertTrue(message.getContentType().isEmpty());
        assertTrue(message.getResponseTopic().isEmpty());
        assertTrue(message.getCorrelationData().isEmpty());
        assertTrue(message.getUserProperties().asList().isEmpty());
    }

    /** A retained message keeps its properties for later subscribers. */
    @Test
    void retainedMessagesKeepTheirProperties() throws Exception {
        hive.connect("producer").publishWith().topic("device/7/meta").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(Hive5.bytes("meta")).contentType("text/plain")
                .userProperties().add("v", "1").add("w", "2").applyUserProperties().send();
        BlockingQueue<Mqtt5Publish> received = hive.subscriber("late", "device/+/meta", MqttQos.AT_LEAST_ONCE);
        Mqtt5Publish message = Hive5.next(received);
        assertTrue(message.isRetain());
        assertEquals("text/plain", message.getContentType().map(Object::toString).orElse(null));
        assertEquals(List.of("v=1", "w=2"), pairs(message.getUserProperties().asList()));
    }

    // ---- topic aliases, client to server ----

    /** MQTT 5.0 section 3.3.2.3.4: an alias set with a topic stands for it later; it may be remapped. */
    @Test
    void aTopicAliasFromTheClientIsResolved() throws Exception {
        BlockingQueue<Mqtt5Publish> received = hive.subscriber("consumer", "alias/#", MqttQos.AT_LEAST_ONCE);
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "aliaser")) {
            publishWithAlias(raw, 1, "alias/long/topic/name", 3, "one");
            publishWithAlias(raw, 2, "", 3, "two");
            publishWithAlias(raw, 3, "alias/other", 3, "three");
            publishWithAlias(raw, 4, "", 3, "four");
            for (int id = 1; id <= 4; id++) {
                MqttMessage ack = raw.expect(MqttMessageType.PUBACK, 5_000);
                assertEquals(id, RawMqtt5Client.packetId(ack));
                assertEquals(0, RawMqtt5Client.pubReplyReason(ack));
            }
        }
        Map<String, String> topics = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Mqtt5Publish message = Hive5.next(received);
            topics.put(Hive5.text(message), message.getTopic().toString());
        }
        assertEquals(Map.of("one", "alias/long/topic/name", "two", "alias/long/topic/name",
                "three", "alias/other", "four", "alias/other"), topics);
    }

    /** [MQTT-3.3.2-9]: an alias above the server's Topic Alias Maximum (16 here) gets DISCONNECT 0x94. */
    @Test
    void aTopicAliasAboveTheMaximumGetsTopicAliasInvalid() throws Exception {
        assertDisconnectedFor("alias/x", 17, 0x94);
    }

    /** [MQTT-3.3.2-8]: Topic Alias 0 is invalid as well. */
    @Test
    void topicAliasZeroGetsTopicAliasInvalid() throws Exception {
        assertDisconnectedFor("alias/x", 0, 0x94);
    }

    /** MQTT 5.0 section 3.3.4: an empty topic with an alias nobody set is a Protocol Error. */
    @Test
    void anUnknownTopicAliasIsAProtocolError() throws Exception {
        assertDisconnectedFor("", 5, 0x82);
    }

    // ---- topic aliases, server to client ----

    /** [MQTT-3.3.2-11]: the server may use aliases up to the client's Topic Alias Maximum, not above. */
    @Test
    void theServerUsesAliasesWithinTheClientsMaximumAndTheyResolveCorrectly() throws Exception {
        List<String> topics = List.of("ta/a", "ta/a", "ta/b", "ta/c", "ta/a", "ta/c", "ta/b", "ta/a");
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttProperties connectProperties = new MqttProperties();
            connectProperties.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), 2));
            raw.connect(RawMqtt5Client.connect5("alias-taker", true).properties(connectProperties).build());
            subscribe(raw, "ta/#", MqttQoS.AT_LEAST_ONCE);

            Mqtt5BlockingClient publisher = hive.connect("publisher");
            for (int i = 0; i < topics.size(); i++) {
                publisher.publishWith().topic(topics.get(i)).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Hive5.bytes("m" + i)).send();
            }

            Map<Integer, String> aliases = new HashMap<>();
            int viaAlias = 0;
            for (int i = 0; i < topics.size(); i++) {
                MqttPublishMessage publish = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
                raw.send(RawMqtt5Client.pubAck(publish.variableHeader().packetId()));
                String topic = publish.variableHeader().topicName();
                MqttProperties.MqttProperty<?> aliasProperty = publish.variableHeader().properties()
                        .getProperty(MqttPropertyType.TOPIC_ALIAS.value());
                if (aliasProperty != null) {
                    int alias = (Integer) aliasProperty.value();
                    assertTrue(alias >= 1 && alias <= 2, "alias within the client's maximum: " + alias);
                    if (topic.isEmpty()) {
                        viaAlias++;
                        topic = aliases.get(alias);
                        assertNotNull(topic, "an alias used only after it was set");
                    } else {
                        aliases.put(alias, topic);
                    }
                } else {
                    assertFalse(topic.isEmpty(), "an empty topic needs an alias");
                }
                assertEquals(topics.get(i), topic, "message " + i);
                assertEquals("m" + i, new String(RawMqtt5Client.payload(publish), StandardCharsets.UTF_8));
            }
            assertTrue(viaAlias > 0, "the server used its aliases at least once");
        }
    }

    /** [MQTT-3.3.2-11]: a client that did not send Topic Alias Maximum (default 0) gets no aliases. */
    @Test
    void noAliasesForAClientWithoutTopicAliasMaximum() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "no-alias")) {
            subscribe(raw, "na/#", MqttQoS.AT_MOST_ONCE);
            Mqtt5BlockingClient publisher = hive.connect("publisher");
            for (int i = 0; i < 3; i++) {
                publisher.publishWith().topic("na/same").payload(Hive5.bytes("m" + i)).send();
            }
            for (int i = 0; i < 3; i++) {
                MqttPublishMessage publish = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
                assertEquals("na/same", publish.variableHeader().topicName());
                assertNull(publish.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value()));
            }
        }
    }

    /** A real client that accepts aliases gets every message with its right topic, in order. */
    @Test
    void aRealClientAcceptingAliasesSeesTheRightTopics() throws Exception {
        Mqtt5BlockingClient subscriber = hive.track(hive.builder("hive-alias").buildBlocking());
        BlockingQueue<Mqtt5Publish> received = Hive5.collect(subscriber);
        subscriber.connectWith().cleanStart(true).restrictions().topicAliasMaximum(3).applyRestrictions().send();
        subscriber.subscribeWith().topicFilter("fleet/#").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient publisher = hive.connect("publisher");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String topic = "fleet/truck-" + (i % 5) + "/position";
            sent.add(topic);
            publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(Hive5.bytes("p" + i)).send();
        }
        for (int i = 0; i < sent.size(); i++) {
            Mqtt5Publish message = Hive5.next(received);
            assertEquals(sent.get(i), message.getTopic().toString(), "message " + i);
            assertEquals("p" + i, Hive5.text(message));
        }
    }

    // ---- QoS 2 ----

    @Test
    void qos2WorksBothWaysWithRealClients() throws Exception {
        BlockingQueue<Mqtt5Publish> received = hive.subscriber("q2-sub", "q2/#", MqttQos.EXACTLY_ONCE);
        Mqtt5BlockingClient publisher = hive.connect("q2-pub");
        for (int i = 0; i < 20; i++) {
            publisher.publishWith().topic("q2/" + i).qos(MqttQos.EXACTLY_ONCE).payload(Hive5.bytes("q" + i)).send();
        }
        for (int i = 0; i < 20; i++) {
            Mqtt5Publish message = Hive5.next(received);
            assertEquals("q" + i, Hive5.text(message));
            assertEquals(MqttQos.EXACTLY_ONCE, message.getQos());
        }
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "exactly once");

        AtomicInteger awaitingRelease = new AtomicInteger(-1);
        AtomicInteger inflight = new AtomicInteger(-1);
        Session pub = broker.broker().sessions().get("q2-pub");
        Session sub = broker.broker().sessions().get("q2-sub");
        Hive5.onSession(pub, () -> awaitingRelease.set(pub.awaitingReleaseCount()));
        assertEquals(0, awaitingRelease.get(), "every inbound QoS 2 message was released");
        assertTrue(Hive5.await(() -> {
            try {
                Hive5.onSession(sub, () -> inflight.set(sub.inflightCount()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inflight.get() == 0;
        }, 3_000), "every outbound QoS 2 message was completed, inflight " + inflight.get());
    }

    /** The exact QoS 2 exchanges (MQTT 5.0 section 4.3.3), inbound with a duplicate, and outbound. */
    @Test
    void qos2PacketFlowsAreExact() throws Exception {
        try (RawMqtt5Client sub = RawMqtt5Client.connected5(broker.port(), "raw-sub");
             RawMqtt5Client pub = RawMqtt5Client.connected5(broker.port(), "raw-pub")) {
            subscribe(sub, "exact/#", MqttQoS.EXACTLY_ONCE);

            MqttPublishMessage publish = RawMqtt5Client.publish("exact/1", 2, 10, Hive5.bytes("once"),
                    MqttProperties.NO_PROPERTIES);
            pub.send(publish);
            MqttMessage pubRec = pub.expect(MqttMessageType.PUBREC, 5_000);
            assertEquals(10, RawMqtt5Client.packetId(pubRec));
            assertTrue(RawMqtt5Client.pubReplyReason(pubRec) < 0x80);
            pub.send(RawMqtt5Client.publish("exact/1", 2, 10, Hive5.bytes("once"), MqttProperties.NO_PROPERTIES));
            assertEquals(10, RawMqtt5Client.packetId(pub.expect(MqttMessageType.PUBREC, 5_000)),
                    "a re-sent PUBLISH before PUBREL is acknowledged again");
            pub.send(RawMqtt5Client.pubRel(10));
            MqttMessage pubComp = pub.expect(MqttMessageType.PUBCOMP, 5_000);
            assertEquals(10, RawMqtt5Client.packetId(pubComp));
            assertEquals(0, RawMqtt5Client.pubReplyReason(pubComp));

            MqttPublishMessage delivery = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH, 5_000);
            assertEquals(2, delivery.fixedHeader().qosLevel().value());
            int id = delivery.variableHeader().packetId();
            sub.send(RawMqtt5Client.pubRec(id));
            MqttMessage pubRel = sub.expect(MqttMessageType.PUBREL, 5_000);
            assertEquals(id, RawMqtt5Client.packetId(pubRel));
            sub.send(RawMqtt5Client.pubComp(id));
            assertNull(sub.next(300), "the duplicate PUBLISH was not delivered again");

            Session session = broker.broker().sessions().get("raw-sub");
            AtomicInteger inflight = new AtomicInteger(-1);
            Hive5.onSession(session, () -> inflight.set(session.inflightCount()));
            assertEquals(0, inflight.get(), "PUBCOMP completed the outbound message");
        }
    }

    /** MQTT 5.0 section 3.7.2.1: PUBREL for an unknown packet identifier gets PUBCOMP 0x92. */
    @Test
    void aPubRelForAnUnknownPacketIdGetsPacketIdentifierNotFound() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "confused")) {
            raw.send(RawMqtt5Client.pubRel(77));
            MqttMessage pubComp = raw.expect(MqttMessageType.PUBCOMP, 5_000);
            assertEquals(77, RawMqtt5Client.packetId(pubComp));
            assertEquals(0x92, RawMqtt5Client.pubReplyReason(pubComp));
            raw.send(MqttMessage.PINGREQ);
            raw.expect(MqttMessageType.PINGRESP, 3_000); // still connected
        }
    }

    /**
     * MQTT 5.0 section 3.6.2.1: PUBREC for a packet identifier the server has no message for is answered with PUBREL
     * 0x92 (Packet Identifier not found), the code the specification defines for that mismatch, as PUBCOMP 0x92 is
     * for an unknown PUBREL.
     */
    @Test
    void aPubRecForAnUnknownPacketIdGetsPacketIdentifierNotFound() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "confused-rec")) {
            raw.send(RawMqtt5Client.pubRec(55));
            MqttMessage pubRel = raw.expect(MqttMessageType.PUBREL, 5_000);
            assertEquals(55, RawMqtt5Client.packetId(pubRel));
            assertEquals(0x92, RawMqtt5Client.pubReplyReason(pubRel), "PUBREL reason for an unknown packet id");
        }
    }

    /** MQTT 5.0 section 3.4.2.1: a QoS 1 message nobody subscribed to is acknowledged with 0x10. */
    @Test
    void aQos1MessageWithoutSubscribersGetsNoMatchingSubscribers() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "lonely")) {
            raw.send(RawMqtt5Client.publish("nobody/listens", 1, 3, Hive5.bytes("?"), MqttProperties.NO_PROPERTIES));
            MqttMessage ack = raw.expect(MqttMessageType.PUBACK, 5_000);
            assertEquals(3, RawMqtt5Client.packetId(ack));
            assertEquals(0x10, RawMqtt5Client.pubReplyReason(ack));
        }
    }

    // ---- helpers ----

    private void assertDisconnectedFor(String topic, int alias, int reason) throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "bad-alias")) {
            publishWithAlias(raw, 1, topic, alias, "x");
            List<MqttMessage> before = raw.awaitClose(3_000);
            assertFalse(before.isEmpty(), "DISCONNECT before closing");
            MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType());
            assertEquals(reason, RawMqtt5Client.disconnectReason(last), RawMqtt5Client.describe(last));
        }
    }

    private static void publishWithAlias(RawMqtt5Client raw, int packetId, String topic, int alias, String payload)
            throws Exception {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), alias));
        raw.send(RawMqtt5Client.publish(topic, 1, packetId, Hive5.bytes(payload), properties));
    }

    static void subscribe(RawMqtt5Client raw, String filter, MqttQoS qos) throws Exception {
        raw.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(qos, filter).build());
        MqttSubAckMessage subAck = (MqttSubAckMessage) raw.expect(MqttMessageType.SUBACK, 5_000);
        assertEquals(List.of(qos.value()), subAck.payload().reasonCodes());
    }

    private static List<String> pairs(List<? extends Mqtt5UserProperty> properties) {
        List<String> pairs = new ArrayList<>();
        for (Mqtt5UserProperty property : properties) {
            pairs.add(property.getName() + "=" + property.getValue());
        }
        return pairs;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
