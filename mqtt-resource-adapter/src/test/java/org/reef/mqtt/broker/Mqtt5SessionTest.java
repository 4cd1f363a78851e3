package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.testing.RunningBroker;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session Expiry Interval (MQTT 5.0 sections 3.1.2.11.2 and 3.14.2.2.2) and Message Expiry Interval (section
 * 3.3.2.3.3) with real MQTT 5 clients.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Mqtt5SessionTest extends BrokerTestBase {

    @BeforeEach
    void start() throws InterruptedException {
        start(BrokerConfig.forTests());
    }

    @Test
    void aSessionResumedWithinItsExpiryIntervalIsPresentWithWhatWasQueued() throws Exception {
        subscribeAndLeave("commuter", "expiry/commuter", 2);

        hive.connect("sender").publishWith().topic("expiry/commuter").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("while away")).send();

        Mqtt5BlockingClient back = hive.client("commuter");
        BlockingQueue<Mqtt5Publish> received = Hive5.collect(back);
        Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(2).send();
        assertTrue(ack.isSessionPresent(), "session present");
        Mqtt5Publish message = Hive5.next(received);
        assertEquals("while away", Hive5.text(message));
        assertEquals(MqttQos.AT_LEAST_ONCE, message.getQos());
    }

    @Test
    void aSessionEndsWhenItsExpiryIntervalHasPassed() throws Exception {
        long left = subscribeAndLeave("sleeper", "expiry/sleeper", 2);
        assertTrue(Hive5.await(() -> broker.broker().sessions().get("sleeper") == null, 5_000),
                "the session ended within 5 s");
        long lived = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
        assertTrue(lived >= 1_500, "the session was kept for its 2 s, not only " + lived + " ms");

        hive.connect("sender").publishWith().topic("expiry/sleeper").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("too late")).send();
        Mqtt5BlockingClient back = hive.client("sleeper");
        BlockingQueue<Mqtt5Publish> received = Hive5.collect(back);
        Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(2).send();
        assertFalse(ack.isSessionPresent(), "no session present after expiry");
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "the subscription went with the session");
    }

    /** MQTT 5.0 section 3.14.2.2.2: DISCONNECT may change the interval; 0 ends the session at once. */
    @Test
    void aDisconnectWithSessionExpiryZeroEndsTheSession() throws Exception {
        Mqtt5BlockingClient client = hive.client("quitter");
        client.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        client.subscribeWith().topicFilter("expiry/quitter").qos(MqttQos.AT_LEAST_ONCE).send();
        client.disconnectWith().sessionExpiryInterval(0).send();

        assertTrue(Hive5.await(() -> broker.broker().sessions().get("quitter") == null, 3_000),
                "the session ended on DISCONNECT");
        Mqtt5ConnAck ack = hive.client("quitter").connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertFalse(ack.isSessionPresent());
    }

    @Test
    void aDisconnectCanLengthenTheSessionExpiry() throws Exception {
        Mqtt5BlockingClient client = hive.client("stayer");
        client.connectWith().cleanStart(true).sessionExpiryInterval(1).send();
        client.subscribeWith().topicFilter("expiry/stayer").qos(MqttQos.AT_LEAST_ONCE).send();
        client.disconnectWith().sessionExpiryInterval(60).send();

        assertFalse(Hive5.await(() -> broker.broker().sessions().get("stayer") == null, 2_000),
                "the session outlived its original 1 s interval");
        hive.connect("sender").publishWith().topic("expiry/stayer").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("kept")).send();
        Mqtt5BlockingClient back = hive.client("stayer");
        BlockingQueue<Mqtt5Publish> received = Hive5.collect(back);
        assertTrue(back.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent());
        assertEquals("kept", Hive5.text(Hive5.next(received)));
    }

    /**
     * MQTT 5.0 section 3.14.2.2.2: a non-zero expiry on DISCONNECT after connecting with 0 is a Protocol Error; the
     * DISCONNECT is not valid, so the will is published.
     */
    @Test
    void aDisconnectSettingExpiryAfterConnectingWithZeroIsAProtocolError() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "wills/#", MqttQos.AT_LEAST_ONCE);
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            raw.connect(RawMqtt5Client.connect5("cheater", true)
                    .willFlag(true).willTopic("wills/cheater").willMessage(Hive5.bytes("gone"))
                    .willQoS(MqttQoS.AT_LEAST_ONCE).build());
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 60));
            raw.send(MqttMessageBuilders.disconnect().reasonCode((byte) 0).properties(properties).build());

            List<MqttMessage> before = raw.awaitClose(3_000);
            assertFalse(before.isEmpty(), "DISCONNECT from the server");
            assertEquals(MqttMessageType.DISCONNECT, before.get(0).fixedHeader().messageType());
            assertEquals(0x82, RawMqtt5Client.disconnectReason(before.get(0)));
        }
        assertEquals("gone", Hive5.text(Hive5.next(wills)), "not a valid DISCONNECT: the will is published");
        assertTrue(Hive5.await(() -> broker.broker().sessions().get("cheater") == null, 3_000),
                "the session (expiry 0) ended");
    }

    /** MQTT 5.0 section 3.2.2.3.2: a Session Expiry Interval above the server's maximum is granted lower. */
    @Test
    void theGrantedSessionExpiryIsSentWhenLowerThanRequested() throws Exception {
        try (RunningBroker capped = RunningBroker.start(TestConfig.defaults().maxSessionExpiry(5).build());
             Hive5 cappedHive = new Hive5(capped)) {
            Mqtt5ConnAck ack = cappedHive.client("greedy").connectWith().cleanStart(true)
                    .sessionExpiryInterval(3_600).send();
            assertEquals(5, ack.getSessionExpiryInterval().orElse(-1), "Session Expiry Interval in CONNACK");
        }
    }

    /** [MQTT-3.3.2-5]: a retained message whose expiry passed is no longer sent to new subscribers. */
    @Test
    void anExpiredRetainedMessageIsNotSentToNewSubscribers() throws Exception {
        Mqtt5BlockingClient sender = hive.connect("sender");
        sender.publishWith().topic("expiry/retained/short").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(Hive5.bytes("stale")).messageExpiryInterval(1).send();
        sender.publishWith().topic("expiry/retained/long").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(Hive5.bytes("fresh")).messageExpiryInterval(60).send();
        TimeUnit.MILLISECONDS.sleep(1_200); // the point of the test: let the first one expire

        BlockingQueue<Mqtt5Publish> received = hive.subscriber("late", "expiry/retained/#", MqttQos.AT_LEAST_ONCE);
        Mqtt5Publish message = Hive5.next(received);
        assertEquals("fresh", Hive5.text(message));
        assertTrue(message.getMessageExpiryInterval().orElse(-1) <= 59, "the retained copy's interval went down");
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "the expired one is gone");
    }

    /** MQTT 5.0 section 3.3.2.3.3 [MQTT-3.3.2-5]: an expired message is not delivered to a returning client. */
    @Test
    void anExpiredMessageIsNotDeliveredButAnUnexpiredOneCarriesTheRemainingInterval() throws Exception {
        subscribeAndLeave("traveller", "expiry/traveller", 60);
        Mqtt5BlockingClient sender = hive.connect("sender");
        sender.publishWith().topic("expiry/traveller").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("short-lived")).messageExpiryInterval(1).send();
        sender.publishWith().topic("expiry/traveller").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("long-lived")).messageExpiryInterval(60).send();

        TimeUnit.MILLISECONDS.sleep(2_100); // the point of the test: let the first message expire

        Mqtt5BlockingClient back = hive.client("traveller");
        BlockingQueue<Mqtt5Publish> received = Hive5.collect(back);
        assertTrue(back.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent());
        Mqtt5Publish message = Hive5.next(received);
        assertEquals("long-lived", Hive5.text(message), "the expired message was skipped");
        long remaining = message.getMessageExpiryInterval().orElse(-1);
        assertTrue(remaining > 0 && remaining <= 59, "remaining interval decreased by the time queued: " + remaining);
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "nothing else");
    }

    @Test
    void aLiveDeliveryCarriesTheMessageExpiryInterval() throws Exception {
        BlockingQueue<Mqtt5Publish> received = hive.subscriber("live", "expiry/live", MqttQos.AT_LEAST_ONCE);
        hive.connect("sender").publishWith().topic("expiry/live").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("x")).messageExpiryInterval(30).send();
        long remaining = Hive5.next(received).getMessageExpiryInterval().orElse(-1);
        assertTrue(remaining > 0 && remaining <= 30, "Message Expiry Interval forwarded: " + remaining);

        hive.connect("sender2").publishWith().topic("expiry/live").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Hive5.bytes("y")).send();
        assertTrue(Hive5.next(received).getMessageExpiryInterval().isEmpty(), "none when none was set");
    }

    /**
     * Connects with the given Session Expiry Interval, subscribes with QoS 1, disconnects normally and waits until the
     * broker saw the disconnect; returns System.nanoTime() at that point.
     */
    private long subscribeAndLeave(String clientId, String filter, long expirySeconds) throws Exception {
        Mqtt5BlockingClient client = hive.client(clientId);
        client.connectWith().cleanStart(true).sessionExpiryInterval(expirySeconds).send();
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        client.disconnect();
        Session session = broker.broker().sessions().get(clientId);
        assertNotNull(session);
        assertTrue(Hive5.await(() -> !session.isOnline(), 3_000), "the broker saw the disconnect");
        return System.nanoTime();
    }
}
