package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.session.Session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flow control (MQTT 5.0 section 4.9, Receive Maximum in sections 3.1.2.11.3 and 3.2.2.3.3) and Maximum Packet Size
 * (sections 3.1.2.11.4 and 3.2.2.3.6), in both directions.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlowControlClientTest extends BrokerTestBase {


    // ---- Receive Maximum of the client ----

    /**
     * [MQTT-3.3.4-9]: the server sends no more unacknowledged QoS 1 messages than the client's Receive Maximum; the
     * rest wait and all arrive, in order, as the client acknowledges.
     */
    @Test
    void aSubscriberWithReceiveMaximumTwoNeverHasMoreThanTwoUnacknowledged() throws Exception {
        start(BrokerConfig.forTests());
        Mqtt5BlockingClient subscriber = hive.track(hive.builder("careful").buildBlocking());
        BlockingQueue<Mqtt5Publish> received = new LinkedBlockingQueue<>();
        subscriber.toAsync().publishes(MqttGlobalPublishFilter.ALL, received::add, true); // manual acknowledgement
        subscriber.connectWith().cleanStart(true).restrictions().receiveMaximum(2).applyRestrictions().send();
        subscriber.subscribeWith().topicFilter("flow/#").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5AsyncClient publisher = hive.connect("flood").toAsync();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(publisher.publishWith().topic("flow/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Hive5.bytes("m" + i)).send());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);

        ArrayDeque<Mqtt5Publish> unacknowledged = new ArrayDeque<>();
        unacknowledged.add(Hive5.next(received));
        unacknowledged.add(Hive5.next(received));
        assertNull(received.poll(500, TimeUnit.MILLISECONDS), "no third message before an acknowledgement");

        Session session = broker.broker().sessions().get("careful");
        AtomicInteger inflight = new AtomicInteger();
        AtomicInteger queued = new AtomicInteger();
        Hive5.onSession(session, () -> {
            inflight.set(session.inflightCount());
            queued.set(session.queuedCount());
        });
        assertEquals(2, inflight.get(), "the server's window for this client");
        assertEquals(18, queued.get(), "the others wait in the session's queue");

        List<String> order = new ArrayList<>();
        int maxOutstanding = unacknowledged.size();
        while (order.size() < 20) {
            Mqtt5Publish oldest = unacknowledged.poll();
            if (oldest == null) {
                throw new AssertionError("nothing outstanding after " + order.size() + " messages");
            }
            order.add(Hive5.text(oldest));
            oldest.acknowledge();
            if (order.size() + unacknowledged.size() < 20) {
                unacknowledged.add(Hive5.next(received));
            }
            Mqtt5Publish extra;
            while ((extra = received.poll()) != null) {
                unacknowledged.add(extra);
            }
            maxOutstanding = Math.max(maxOutstanding, unacknowledged.size());
        }
        assertTrue(maxOutstanding <= 2, "at most 2 unacknowledged, saw " + maxOutstanding);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, order, "all 20, in order");
        assertTrue(subscriber.getState().isConnected());
    }

    /** The same window seen on the wire: exactly Receive Maximum PUBLISH packets until a PUBACK frees a slot. */
    @Test
    void theWindowOpensOneMessagePerAcknowledgement() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), 2));
            raw.connect(RawMqtt5Client.connect5("raw-careful", true).properties(properties).build());
            Mqtt5PublishTest.subscribe(raw, "window/#", MqttQoS.AT_LEAST_ONCE);

            Mqtt5AsyncClient publisher = hive.connect("flood").toAsync();
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(publisher.publishWith().topic("window/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Hive5.bytes("w" + i)).send());
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);

            MqttPublishMessage first = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
            MqttPublishMessage second = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
            assertNull(raw.next(500), "window full");
            raw.send(RawMqtt5Client.pubAck(first.variableHeader().packetId()));
            MqttPublishMessage third = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
            assertEquals("w2", new String(RawMqtt5Client.payload(third), StandardCharsets.UTF_8));
            assertNull(raw.next(300), "one slot freed, one message sent");
            raw.send(RawMqtt5Client.pubAck(second.variableHeader().packetId()));
            raw.send(RawMqtt5Client.pubAck(third.variableHeader().packetId()));
            for (int i = 3; i < 6; i++) {
                MqttPublishMessage next = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
                assertEquals("w" + i, new String(RawMqtt5Client.payload(next), StandardCharsets.UTF_8));
                raw.send(RawMqtt5Client.pubAck(next.variableHeader().packetId()));
            }
        }
    }

    // ---- Receive Maximum of the server ----

    /**
     * MQTT 5.0 section 3.3.4 [MQTT-3.3.4-7]: more QoS 2 PUBLISH packets than the server's Receive Maximum before the
     * server sent PUBCOMP for them (the client sends no PUBREL) gets DISCONNECT 0x93.
     */
    @Test
    void aClientExceedingTheServersReceiveMaximumIsDisconnected() throws Exception {
        start(TestConfig.defaults().maxInflight(4).build());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage ack = raw.connect(RawMqtt5Client.connect5("greedy", true).build());
            assertEquals(4, ack.variableHeader().properties()
                    .getProperty(MqttPropertyType.RECEIVE_MAXIMUM.value()).value(), "Receive Maximum in CONNACK");
            for (int id = 1; id <= 5; id++) {
                raw.send(RawMqtt5Client.publish("greedy/t", 2, id, Hive5.bytes("g" + id),
                        MqttProperties.NO_PROPERTIES));
            }
            List<MqttMessage> before = raw.awaitClose(3_000);
            long pubRecs = before.stream().filter(m -> m.fixedHeader().messageType() == MqttMessageType.PUBREC).count();
            assertEquals(4, pubRecs, "the first 4 were accepted");
            MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType());
            assertEquals(0x93, RawMqtt5Client.disconnectReason(last));
        }
    }

    /**
     * The quota counts QoS 1/2 messages the server has not acknowledged yet: it acknowledges QoS 1 at once, so a client
     * that does not read its PUBACKs stays within it.
     */
    @Test
    void qos1MessagesAcknowledgedAtOnceDoNotCountAgainstTheQuota() throws Exception {
        start(TestConfig.defaults().maxInflight(4).build());
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "hasty")) {
            for (int id = 1; id <= 12; id++) {
                raw.send(RawMqtt5Client.publish("hasty/t", 1, id, Hive5.bytes("h" + id), MqttProperties.NO_PROPERTIES));
            }
            for (int id = 1; id <= 12; id++) {
                assertEquals(id, RawMqtt5Client.packetId(raw.expect(MqttMessageType.PUBACK, 5_000)));
            }
            raw.send(MqttMessage.PINGREQ);
            raw.expect(MqttMessageType.PINGRESP, 3_000);
        }
    }

    /**
     * MQTT 5.0 section 4.3.3: a QoS 2 PUBLISH re-sent (DUP) before PUBREL is the same message, acknowledged again;
     * it must not count as one more against the Receive Maximum when the client is at the quota.
     */
    @Test
    void aResentQos2PublishAtTheQuotaIsAcknowledgedAgain() throws Exception {
        start(TestConfig.defaults().maxInflight(4).build());
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "retrier")) {
            for (int id = 1; id <= 4; id++) {
                raw.send(RawMqtt5Client.publish("retrier/t", 2, id, Hive5.bytes("r" + id),
                        MqttProperties.NO_PROPERTIES));
                assertEquals(id, RawMqtt5Client.packetId(raw.expect(MqttMessageType.PUBREC, 5_000)));
            }
            MqttPublishMessage again = new MqttPublishMessage(
                    new MqttFixedHeader(MqttMessageType.PUBLISH, true, MqttQoS.EXACTLY_ONCE, false, 0),
                    new MqttPublishVariableHeader("retrier/t", 4, MqttProperties.NO_PROPERTIES),
                    Unpooled.wrappedBuffer(Hive5.bytes("r4")));
            raw.send(again);
            MqttMessage reply = raw.expect(5_000);
            assertEquals(MqttMessageType.PUBREC, reply.fixedHeader().messageType(),
                    "PUBREC again, not " + RawMqtt5Client.describe(reply));
            assertEquals(4, RawMqtt5Client.packetId(reply));
            for (int id = 1; id <= 4; id++) {
                raw.send(RawMqtt5Client.pubRel(id));
                assertEquals(id, RawMqtt5Client.packetId(raw.expect(MqttMessageType.PUBCOMP, 5_000)));
            }
        }
    }

    // ---- Maximum Packet Size of the client ----

    /**
     * [MQTT-3.1.2-24] and [MQTT-3.1.2-25]: a message too large for the subscriber is not sent but treated as delivered;
     * the next one, small enough, arrives.
     */
    @Test
    void aMessageLargerThanTheSubscribersMaximumIsSkipped() throws Exception {
        start(BrokerConfig.forTests());
        Mqtt5BlockingClient subscriber = hive.track(hive.builder("small-buffer").buildBlocking());
        BlockingQueue<Mqtt5Publish> received = Hive5.collect(subscriber);
        subscriber.connectWith().cleanStart(true).restrictions().maximumPacketSize(200).applyRestrictions().send();
        subscriber.subscribeWith().topicFilter("size/#").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient publisher = hive.connect("publisher");
        byte[] large = new byte[1024];
        Arrays.fill(large, (byte) 'L');
        publisher.publishWith().topic("size/big").qos(MqttQos.AT_LEAST_ONCE).payload(large).send();
        publisher.publishWith().topic("size/small").qos(MqttQos.AT_LEAST_ONCE).payload(Hive5.bytes("small")).send();

        Mqtt5Publish message = Hive5.next(received);
        assertEquals("small", Hive5.text(message), "the 1 KiB message was skipped");
        assertNull(received.poll(300, TimeUnit.MILLISECONDS));
        assertTrue(subscriber.getState().isConnected(), "the client never saw a packet above its maximum");

        Session session = broker.broker().sessions().get("small-buffer");
        AtomicInteger inflight = new AtomicInteger(-1);
        assertTrue(Hive5.await(() -> {
            try {
                Hive5.onSession(session, () -> inflight.set(session.inflightCount()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inflight.get() == 0;
        }, 3_000), "the skipped QoS 1 message does not hold a window slot");
    }

    /**
     * MQTT 5.0 section 3.1.2.11.4: the limit is on the packet size; a PUBLISH of exactly the client's Maximum Packet
     * Size may be sent and must arrive (QoS 1: dropping it would lose the message).
     */
    @Test
    void aMessageOfExactlyTheSubscribersMaximumIsDelivered() throws Exception {
        start(BrokerConfig.forTests());
        int maximum = 200;
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), maximum));
            raw.connect(RawMqtt5Client.connect5("exact-fit", true).properties(properties).build());
            Mqtt5PublishTest.subscribe(raw, "fit/#", MqttQoS.AT_LEAST_ONCE);

            byte[] payload = payloadForPacketSize("fit/t", maximum);
            Mqtt5BlockingClient publisher = hive.connect("publisher");
            publisher.publishWith().topic("fit/t").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
            publisher.publishWith().topic("fit/t").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Arrays.copyOf(payload, payload.length + 1)).send();
            publisher.publishWith().topic("fit/t").qos(MqttQos.AT_LEAST_ONCE).payload(Hive5.bytes("tiny")).send();

            MqttPublishMessage first = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
            raw.send(RawMqtt5Client.pubAck(first.variableHeader().packetId()));
            assertEquals(payload.length, first.payload().readableBytes(),
                    "the " + maximum + "-byte packet arrived first (got the " + first.payload().readableBytes()
                            + "-byte payload instead)");
            assertEquals(maximum, RawMqtt5Client.encodedSize5(first));
            MqttPublishMessage second = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
            assertEquals("tiny", new String(RawMqtt5Client.payload(second), StandardCharsets.UTF_8),
                    "the packet one byte above the maximum was skipped");
        }
    }

    // ---- Maximum Packet Size of the server ----

    /** MQTT 5.0 section 3.2.2.3.6: a packet above the server's maximum gets DISCONNECT 0x95. */
    @Test
    void aPacketLargerThanTheServersMaximumGetsPacketTooLarge() throws Exception {
        start(TestConfig.defaults().maxPacketSize(1024).build());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage ack = raw.connect(RawMqtt5Client.connect5("oversized", true).build());
            assertEquals(1024, ack.variableHeader().properties()
                    .getProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value()).value(), "Maximum Packet Size");
            raw.send(RawMqtt5Client.publish("big/t", 1, 1, new byte[4096], MqttProperties.NO_PROPERTIES));
            List<MqttMessage> before = raw.awaitClose(3_000);
            assertFalse(before.isEmpty(), "DISCONNECT before closing");
            MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType());
            assertEquals(0x95, RawMqtt5Client.disconnectReason(last));
        }
    }

    /**
     * The server's Maximum Packet Size is the whole packet, fixed header included (MQTT 5.0 section 3.2.2.3.6 and
     * 2.1.4): exactly 1024 bytes is accepted, 1025 is not.
     */
    @Test
    void theServersMaximumPacketSizeCountsTheWholePacket() throws Exception {
        start(TestConfig.defaults().maxPacketSize(1024).build());
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "boundary")) {
            byte[] fits = payloadForPacketSize("edge/t", 1024);
            raw.send(RawMqtt5Client.publish("edge/t", 1, 1, fits, MqttProperties.NO_PROPERTIES));
            MqttMessage ack = raw.expect(5_000);
            assertEquals(MqttMessageType.PUBACK, ack.fixedHeader().messageType(),
                    "a 1024-byte packet is accepted, got " + RawMqtt5Client.describe(ack));

            raw.send(RawMqtt5Client.publish("edge/t", 1, 2, Arrays.copyOf(fits, fits.length + 1),
                    MqttProperties.NO_PROPERTIES));
            MqttMessage reply = raw.next(3_000);
            assertNotNull(reply, "a 1025-byte packet gets DISCONNECT 0x95, got nothing");
            assertEquals(MqttMessageType.DISCONNECT, reply.fixedHeader().messageType(),
                    "a 1025-byte packet gets DISCONNECT 0x95, got " + RawMqtt5Client.describe(reply)
                            + (reply.fixedHeader().messageType() == MqttMessageType.PUBACK ? " (accepted)" : ""));
            assertEquals(0x95, RawMqtt5Client.disconnectReason(reply));
            raw.awaitClose(3_000);
        }
    }

    // ---- limits of a new connection applied to the session's inflight messages ----

    /**
     * MQTT 5.0 section 4.9 [MQTT-3.3.4-9]: the send quota starts afresh at the new connection's Receive Maximum; the
     * unacknowledged messages the server re-sends on reconnect (section 4.4) count against it.
     */
    @Test
    void messagesResentOnReconnectRespectTheNewReceiveMaximum() throws Exception {
        start(BrokerConfig.forTests());
        MqttProperties firstProperties = new MqttProperties();
        firstProperties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 60));
        try (RawMqtt5Client first = RawMqtt5Client.open(broker.port())) {
            first.connect(RawMqtt5Client.connect5("phone", true).properties(firstProperties).build());
            Mqtt5PublishTest.subscribe(first, "resend/#", MqttQoS.AT_LEAST_ONCE);
            Mqtt5BlockingClient publisher = hive.connect("publisher");
            for (int i = 0; i < 5; i++) {
                publisher.publishWith().topic("resend/x").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Hive5.bytes("r" + i)).send();
            }
            for (int i = 0; i < 5; i++) {
                first.expect(MqttMessageType.PUBLISH, 5_000); // received, never acknowledged
            }
            first.drop();
        }
        awaitOffline("phone");

        try (RawMqtt5Client back = RawMqtt5Client.open(broker.port())) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 60));
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), 2));
            MqttConnAckMessage ack = back.connect(RawMqtt5Client.connect5("phone", false)
                    .properties(properties).build());
            assertTrue(ack.variableHeader().isSessionPresent());

            List<MqttPublishMessage> unacknowledged = new ArrayList<>();
            MqttMessage next;
            while ((next = back.next(500)) != null) {
                if (next instanceof MqttPublishMessage publish) {
                    assertTrue(publish.fixedHeader().isDup(), "a re-sent PUBLISH has DUP set");
                    unacknowledged.add(publish);
                }
            }
            assertTrue(unacknowledged.size() <= 2,
                    "at most Receive Maximum (2) unacknowledged PUBLISH packets, got " + unacknowledged.size());
            List<String> payloads = new ArrayList<>();
            while (payloads.size() < 5) {
                if (unacknowledged.isEmpty()) {
                    unacknowledged.add((MqttPublishMessage) back.expect(MqttMessageType.PUBLISH, 5_000));
                }
                MqttPublishMessage oldest = unacknowledged.remove(0);
                payloads.add(new String(RawMqtt5Client.payload(oldest), StandardCharsets.UTF_8));
                back.send(RawMqtt5Client.pubAck(oldest.variableHeader().packetId()));
            }
            assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), payloads, "all of them, in order");
        }
    }

    /**
     * [MQTT-3.1.2-25]: after a reconnect with a smaller Maximum Packet Size, an unacknowledged message now too large is
     * discarded as if delivered; the others are re-sent and the connection works normally.
     */
    @Test
    void aReconnectWithASmallerMaximumPacketSizeSkipsAnInflightMessageNowTooLarge() throws Exception {
        start(BrokerConfig.forTests());
        MqttProperties firstProperties = new MqttProperties();
        firstProperties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 60));
        try (RawMqtt5Client first = RawMqtt5Client.open(broker.port())) {
            first.connect(RawMqtt5Client.connect5("shrinker", true).properties(firstProperties).build());
            Mqtt5PublishTest.subscribe(first, "shrink/#", MqttQoS.AT_LEAST_ONCE);
            Mqtt5BlockingClient publisher = hive.connect("publisher");
            publisher.publishWith().topic("shrink/x").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[1024]).send();
            publisher.publishWith().topic("shrink/x").qos(MqttQos.AT_LEAST_ONCE).payload(Hive5.bytes("small")).send();
            first.expect(MqttMessageType.PUBLISH, 5_000);
            first.expect(MqttMessageType.PUBLISH, 5_000); // both received, neither acknowledged
            first.drop();
        }
        awaitOffline("shrinker");

        try (RawMqtt5Client back = RawMqtt5Client.open(broker.port())) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 60));
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), 200));
            MqttConnAckMessage ack = back.connect(RawMqtt5Client.connect5("shrinker", false)
                    .properties(properties).build());
            assertTrue(ack.variableHeader().isSessionPresent());

            MqttPublishMessage resent = (MqttPublishMessage) back.expect(MqttMessageType.PUBLISH, 3_000);
            assertEquals("small", new String(RawMqtt5Client.payload(resent), StandardCharsets.UTF_8));
            back.send(RawMqtt5Client.pubAck(resent.variableHeader().packetId()));
            back.send(MqttMessage.PINGREQ);
            MqttMessage reply = back.expect(2_000);
            assertEquals(MqttMessageType.PINGRESP, reply.fixedHeader().messageType(),
                    "the connection still reads and answers, got " + RawMqtt5Client.describe(reply));
        }
    }

    private void awaitOffline(String clientId) throws InterruptedException {
        Session session = broker.broker().sessions().get(clientId);
        assertNotNull(session);
        assertTrue(Hive5.await(() -> !session.isOnline(), 3_000), "the broker saw the connection drop");
    }

    /** The payload that makes a QoS 1 PUBLISH without properties to {@code topic} exactly {@code size} bytes. */
    private static byte[] payloadForPacketSize(String topic, int size) {
        for (int n = size; n > 0; n--) {
            byte[] payload = new byte[n];
            Arrays.fill(payload, (byte) 'x');
            int encoded = RawMqtt5Client.encodedSize5(
                    RawMqtt5Client.publish(topic, 1, 1, payload, MqttProperties.NO_PROPERTIES));
            if (encoded == size) {
                return payload;
            }
        }
        throw new IllegalArgumentException("no payload gives " + size + " bytes");
    }
}
