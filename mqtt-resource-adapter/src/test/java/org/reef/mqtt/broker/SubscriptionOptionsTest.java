package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 subscription options (MQTT 5.0 section 3.8.3.1): No Local, Retain As Published, Retain Handling;
 * Subscription Identifiers on deliveries (section 3.3.4); invalid topic filters in SUBSCRIBE (section 3.9.3) and No
 * Local on a shared subscription (section 3.8.3.1).
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubscriptionOptionsTest extends BrokerTestBase {

    private final List<MqttAsyncClient> pahoClients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        start(BrokerConfig.forTests());
    }

    @AfterEach
    void closePahoClients() {
        for (MqttAsyncClient client : pahoClients) {
            try {
                if (client.isConnected()) {
                    client.disconnect(1_000).waitForCompletion(2_000);
                }
                client.close(true);
            } catch (MqttException e) {
                // already gone
            }
        }
    }

    /** [MQTT-3.8.3-3]: with No Local the subscriber does not get its own publications. */
    @Test
    void noLocalSkipsTheSubscribersOwnMessages() throws Exception {
        Mqtt5BlockingClient member = hive.connect("member");
        BlockingQueue<Mqtt5Publish> own = Hive5.collect(member);
        member.subscribeWith().topicFilter("room/1").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
        BlockingQueue<Mqtt5Publish> everyone = hive.subscriber("everyone", "room/1", MqttQos.AT_LEAST_ONCE);

        member.publishWith().topic("room/1").qos(MqttQos.AT_LEAST_ONCE).payload(Hive5.bytes("mine")).send();
        hive.connect("other").publishWith().topic("room/1").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("theirs")).send();

        assertEquals("mine", Hive5.text(Hive5.next(everyone)));
        assertEquals("theirs", Hive5.text(Hive5.next(everyone)));
        assertEquals("theirs", Hive5.text(Hive5.next(own)), "only the other client's message");
        assertNull(own.poll(300, TimeUnit.MILLISECONDS));
    }

    /** [MQTT-3.3.1-12] and [MQTT-3.3.1-13]: Retain As Published keeps RETAIN on live deliveries; otherwise 0. */
    @Test
    void retainAsPublishedKeepsTheRetainFlagOnLiveDeliveries() throws Exception {
        Mqtt5BlockingClient keeper = hive.connect("keeper");
        BlockingQueue<Mqtt5Publish> kept = Hive5.collect(keeper);
        keeper.subscribeWith().topicFilter("state/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true).send();
        BlockingQueue<Mqtt5Publish> cleared = hive.subscriber("clearer", "state/#", MqttQos.AT_LEAST_ONCE);

        Mqtt5BlockingClient publisher = hive.connect("publisher");
        publisher.publishWith().topic("state/lamp").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(Hive5.bytes("on")).send();
        publisher.publishWith().topic("state/lamp").qos(MqttQos.AT_LEAST_ONCE).retain(false)
                .payload(Hive5.bytes("flicker")).send();

        Mqtt5Publish first = Hive5.next(kept);
        assertEquals("on", Hive5.text(first));
        assertTrue(first.isRetain(), "Retain As Published: RETAIN kept");
        assertFalse(Hive5.next(kept).isRetain(), "a message published without RETAIN stays without");
        Mqtt5Publish plain = Hive5.next(cleared);
        assertEquals("on", Hive5.text(plain));
        assertFalse(plain.isRetain(), "without Retain As Published RETAIN is cleared on live deliveries");
    }

    /** MQTT 5.0 section 3.3.1.3: Retain Handling 0 sends retained messages at every subscribe, 2 never. */
    @Test
    void retainHandlingZeroSendsRetainedMessagesAtEverySubscribeAndTwoNever() throws Exception {
        retain("config/a", "A");

        Mqtt5BlockingClient always = hive.connect("always");
        BlockingQueue<Mqtt5Publish> alwaysGot = Hive5.collect(always);
        always.subscribeWith().topicFilter("config/+").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND).send();
        Mqtt5Publish retained = Hive5.next(alwaysGot);
        assertEquals("A", Hive5.text(retained));
        assertTrue(retained.isRetain(), "retained messages sent at subscribe have RETAIN set");
        always.subscribeWith().topicFilter("config/+").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND).send();
        assertEquals("A", Hive5.text(Hive5.next(alwaysGot)), "again on the repeated subscribe");

        Mqtt5BlockingClient never = hive.connect("never");
        BlockingQueue<Mqtt5Publish> neverGot = Hive5.collect(never);
        never.subscribeWith().topicFilter("config/+").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
        assertNull(neverGot.poll(300, TimeUnit.MILLISECONDS), "Retain Handling 2: no retained messages");
        retain("config/a", "A2");
        assertEquals("A2", Hive5.text(Hive5.next(neverGot)), "but live messages flow");
    }

    /** [MQTT-3.3.1-10]: Retain Handling 1 sends retained messages only if the subscription did not exist. */
    @Test
    void retainHandlingOneSendsRetainedMessagesOnlyForANewSubscription() throws Exception {
        retain("config/b", "B");
        Mqtt5BlockingClient once = hive.connect("once");
        BlockingQueue<Mqtt5Publish> got = Hive5.collect(once);
        once.subscribeWith().topicFilter("config/b").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
        assertEquals("B", Hive5.text(Hive5.next(got)));

        once.subscribeWith().topicFilter("config/b").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
        assertNull(got.poll(300, TimeUnit.MILLISECONDS), "the subscription existed: nothing sent");
    }

    /**
     * MQTT 5.0 section 3.3.4 [MQTT-3.3.4-3] and [MQTT-3.3.4-4]: a single copy for overlapping subscriptions of one
     * client carries the Subscription Identifiers of all of them. (The specification also allows one copy per
     * subscription; a single copy is what {@link org.reef.mqtt.session.MessageRouter} documents.) Exact packets, raw
     * client.
     */
    @Test
    void overlappingSubscriptionsGiveOneDeliveryWithBothIdentifiers() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "ids")) {
            subscribe(raw, 1, "ids/+", 7);
            subscribe(raw, 2, "ids/#", 9);
            subscribe(raw, 3, "other/#", 0);

            hive.connect("pub").publishWith().topic("ids/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Hive5.bytes("once")).send();

            MqttPublishMessage delivery = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
            assertEquals("ids/x", delivery.variableHeader().topicName());
            Set<Integer> ids = new HashSet<>();
            for (MqttProperties.MqttProperty<?> id : delivery.variableHeader().properties()
                    .getProperties(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value())) {
                ids.add((Integer) id.value());
            }
            assertEquals(Set.of(7, 9), ids, "both Subscription Identifiers");
            raw.send(RawMqtt5Client.pubAck(delivery.variableHeader().packetId()));
            assertNull(raw.next(300), "exactly one delivery");
        }
    }

    /** The same with Eclipse Paho's MQTT 5 client, which exposes the identifiers of a received message. */
    @Test
    void pahoSeesBothSubscriptionIdentifiers() throws Exception {
        BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> received = new LinkedBlockingQueue<>();
        MqttAsyncClient paho = new MqttAsyncClient(broker.uri(), "paho-ids", new MemoryPersistence());
        pahoClients.add(paho);
        paho.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                received.add(message);
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode,
                                          org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setConnectionTimeout(5);
        paho.connect(options).waitForCompletion(5_000);
        for (int id : new int[]{7, 9}) {
            org.eclipse.paho.mqttv5.common.packet.MqttProperties properties =
                    new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            properties.setSubscriptionIdentifier(id);
            paho.subscribe(new MqttSubscription[]{new MqttSubscription(id == 7 ? "ids/+" : "ids/#", 1)},
                    null, null, properties).waitForCompletion(5_000);
        }
        hive.connect("pub").publishWith().topic("ids/y").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("once")).send();

        org.eclipse.paho.mqttv5.common.MqttMessage message = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(message, "delivered");
        assertEquals(Set.of(7, 9), new HashSet<>(message.getProperties().getSubscriptionIdentifiers()));
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "exactly one delivery");
    }

    /** Retained messages sent at subscribe carry the new subscription's identifier. */
    @Test
    void retainedMessagesCarryTheSubscriptionIdentifier() throws Exception {
        retain("ids/retained", "R");
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "ids-r")) {
            subscribe(raw, 1, "ids/#", 42);
            MqttPublishMessage delivery = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH, 5_000);
            assertTrue(delivery.fixedHeader().isRetain());
            MqttProperties.MqttProperty<?> id = delivery.variableHeader().properties()
                    .getProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value());
            assertNotNull(id);
            assertEquals(42, id.value());
        }
    }

    /** MQTT 5.0 section 3.9.3: an invalid filter gets 0x8F in SUBACK; the others are granted; no disconnect. */
    @Test
    void invalidTopicFiltersGetTopicFilterInvalidWithoutClosing() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "sloppy")) {
            raw.send(MqttMessageBuilders.subscribe().messageId(5)
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "a/#/b")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "a/b#")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "+x/y")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "$share/g")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "fine/+")
                    .build());
            MqttSubAckMessage subAck = (MqttSubAckMessage) raw.expect(MqttMessageType.SUBACK, 5_000);
            assertEquals(5, subAck.variableHeader().messageId());
            assertEquals(List.of(0x8F, 0x8F, 0x8F, 0x8F, 0x01), subAck.payload().reasonCodes());
            assertStillOpen(raw);
        }
    }

    /** MQTT 3.1.1 section 3.9.3: an invalid filter gets 0x80 (Failure) in SUBACK; no disconnect. */
    @Test
    void invalidTopicFiltersGetFailureForMqtt311() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage ack = raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId("sloppy311").cleanSession(true).keepAlive(60).build());
            assertEquals(0, ack.variableHeader().connectReturnCode().byteValue());
            raw.send(MqttMessageBuilders.subscribe().messageId(6)
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "a/#/b")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "fine/#")
                    .build());
            MqttSubAckMessage subAck = (MqttSubAckMessage) raw.expect(MqttMessageType.SUBACK, 5_000);
            assertEquals(List.of(0x80, 0x01), subAck.payload().reasonCodes());
            assertStillOpen(raw);
        }
    }

    /** [MQTT-3.8.3-4]: No Local on a shared subscription is a Protocol Error: DISCONNECT 0x82. */
    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "sharer")) {
            raw.send(MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription("$share/workers/jobs/#", new MqttSubscriptionOption(MqttQoS.AT_LEAST_ONCE,
                            true, false, MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE))
                    .build());
            List<MqttMessage> before = raw.awaitClose(3_000);
            assertFalse(before.isEmpty(), "DISCONNECT before closing");
            MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType());
            assertEquals(0x82, RawMqtt5Client.disconnectReason(last));
        }
    }

    private void retain(String topic, String payload) {
        hive.connect("retainer-" + System.nanoTime()).publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .retain(true).payload(Hive5.bytes(payload)).send();
    }

    private static void subscribe(RawMqtt5Client raw, int packetId, String filter, int subscriptionId)
            throws Exception {
        MqttProperties properties = new MqttProperties();
        if (subscriptionId > 0) {
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(),
                    subscriptionId));
        }
        raw.send(MqttMessageBuilders.subscribe().messageId(packetId).properties(properties)
                .addSubscription(MqttQoS.AT_LEAST_ONCE, filter).build());
        MqttSubAckMessage subAck = (MqttSubAckMessage) raw.expect(MqttMessageType.SUBACK, 5_000);
        assertEquals(packetId, subAck.variableHeader().messageId());
        assertEquals(List.of(1), subAck.payload().reasonCodes());
    }

    private static void assertStillOpen(RawMqtt5Client raw) throws Exception {
        raw.send(io.netty.handler.codec.mqtt.MqttMessage.PINGREQ);
        assertEquals(MqttMessageType.PINGRESP, raw.expect(MqttMessageType.PINGRESP, 3_000).fixedHeader().messageType(),
                "the connection is still open");
    }
}
