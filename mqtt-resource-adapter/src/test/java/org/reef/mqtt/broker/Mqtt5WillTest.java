package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.session.Session;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Will messages with MQTT 5 (MQTT 5.0 sections 3.1.2.5 and 3.1.3.2.2): Will Delay Interval, DISCONNECT with reason
 * 0x04, a normal DISCONNECT, and the will's RETAIN flag.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Mqtt5WillTest extends BrokerTestBase {

    @BeforeEach
    void start() throws InterruptedException {
        start(BrokerConfig.forTests());
    }

    /** [MQTT-3.1.3-9]: a client back before the Will Delay Interval ended keeps its will unpublished. */
    @Test
    void aClientBackWithinTheWillDelayPublishesNoWill() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        RawMqtt5Client device = connectWithDelayedWill("device", 2);
        device.drop();
        awaitOffline("device");
        long dropped = System.nanoTime();

        Mqtt5BlockingClient back = hive.client("device");
        assertTrue(back.connectWith().cleanStart(false).sessionExpiryInterval(30).send().isSessionPresent());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped) < 1_000, "reconnected within 1 s");

        assertNull(wills.poll(2_500, TimeUnit.MILLISECONDS), "no will: the client came back before its delay ended");
    }

    /** [MQTT-3.1.2-8]: without reconnect the will is published once the Will Delay Interval has passed. */
    @Test
    void aClientThatStaysAwayHasItsWillPublishedAfterTheDelay() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        RawMqtt5Client device = connectWithDelayedWill("device", 2);
        device.drop();
        long dropped = System.nanoTime();

        assertNull(wills.poll(1_500, TimeUnit.MILLISECONDS), "not before the delay");
        Mqtt5Publish will = Hive5.next(wills, 3_500);
        long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped);
        assertEquals("presence/device", will.getTopic().toString());
        assertEquals("offline", Hive5.text(will));
        assertTrue(after >= 1_500 && after <= 5_000, "published after about 2 s, was " + after + " ms");
    }

    /** MQTT 5.0 section 3.1.3.2.2: the will is published when the session ends, if that comes before the delay. */
    @Test
    void theWillIsPublishedWhenTheSessionEndsBeforeTheWillDelay() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        MqttProperties connectProperties = new MqttProperties();
        connectProperties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 1));
        MqttProperties willProperties = new MqttProperties();
        willProperties.add(new MqttProperties.IntegerProperty(MqttPropertyType.WILL_DELAY_INTERVAL.value(), 30));
        try (RawMqtt5Client device = RawMqtt5Client.open(broker.port())) {
            device.connect(RawMqtt5Client.connect5("short-session", true).properties(connectProperties)
                    .willFlag(true).willTopic("presence/short-session").willMessage(Hive5.bytes("ended"))
                    .willQoS(MqttQoS.AT_LEAST_ONCE).willProperties(willProperties).build());
            device.drop();
        }
        long dropped = System.nanoTime();
        assertEquals("ended", Hive5.text(Hive5.next(wills, 4_000)), "published with the session's end, about 1 s");
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped) >= 500, "not at once");
    }

    /** MQTT 5.0 section 3.14.2.1: reason 0x04 asks the server to publish the will. */
    @Test
    void aDisconnectWithWillMessagePublishesTheWill() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient client = hive.client("leaver");
        client.connectWith().cleanStart(true)
                .willPublish().topic("presence/leaver").payload(Hive5.bytes("left")).qos(MqttQos.AT_LEAST_ONCE)
                .applyWillPublish().send();
        client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();

        assertEquals("left", Hive5.text(Hive5.next(wills)));
    }

    /** MQTT 5.0 section 3.1.3.2: the will's properties reach subscribers like those of any PUBLISH. */
    @Test
    void theWillsPropertiesArePassedThrough() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient client = hive.client("described");
        client.connectWith().cleanStart(true)
                .willPublish().topic("presence/described").payload(Hive5.bytes("{}")).qos(MqttQos.AT_LEAST_ONCE)
                .contentType("application/json").responseTopic("presence/ack").correlationData(Hive5.bytes("c-9"))
                .userProperties().add("device", "d-1").add("reason", "power").applyUserProperties()
                .applyWillPublish().send();
        client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();

        Mqtt5Publish will = Hive5.next(wills);
        assertEquals("application/json", will.getContentType().map(Object::toString).orElse(null));
        assertEquals("presence/ack", will.getResponseTopic().map(Object::toString).orElse(null));
        assertEquals(2, will.getUserProperties().asList().size());
        assertEquals("device", will.getUserProperties().asList().get(0).getName().toString());
        assertEquals("power", will.getUserProperties().asList().get(1).getValue().toString());
    }

    /** [MQTT-3.1.2-10]: a normal DISCONNECT (0x00) deletes the will. */
    @Test
    void aNormalDisconnectPublishesNoWill() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        Mqtt5BlockingClient client = hive.client("polite");
        client.connectWith().cleanStart(true)
                .willPublish().topic("presence/polite").payload(Hive5.bytes("left")).qos(MqttQos.AT_LEAST_ONCE)
                .applyWillPublish().send();
        client.disconnect();

        assertNull(wills.poll(500, TimeUnit.MILLISECONDS), "no will after a normal DISCONNECT");
    }

    /** [MQTT-3.1.2-15]: a will with RETAIN set is published as a retained message. */
    @Test
    void aRetainedWillIsKeptForLaterSubscribers() throws Exception {
        try (RawMqtt5Client device = RawMqtt5Client.open(broker.port())) {
            device.connect(RawMqtt5Client.connect5("sensor", true)
                    .willFlag(true).willTopic("presence/sensor").willMessage(Hive5.bytes("dead"))
                    .willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(true).build());
            device.drop();
        }
        assertTrue(Hive5.await(() -> broker.broker().retained().size() == 1, 3_000), "the will was retained");

        BlockingQueue<Mqtt5Publish> later = hive.subscriber("later", "presence/+", MqttQos.AT_LEAST_ONCE);
        Mqtt5Publish will = Hive5.next(later);
        assertEquals("dead", Hive5.text(will));
        assertTrue(will.isRetain(), "delivered as a retained message");
    }

    /** A will without RETAIN is not retained (checked after a retained one arrived, so the broker is done). */
    @Test
    void anUnretainedWillIsNotKept() throws Exception {
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        try (RawMqtt5Client device = RawMqtt5Client.open(broker.port())) {
            device.connect(RawMqtt5Client.connect5("plain", true)
                    .willFlag(true).willTopic("presence/plain").willMessage(Hive5.bytes("gone"))
                    .willQoS(MqttQoS.AT_LEAST_ONCE).build());
            device.drop();
        }
        Mqtt5Publish will = Hive5.next(wills);
        assertEquals("gone", Hive5.text(will));
        assertEquals(0, broker.broker().retained().size());
    }

    /** A raw MQTT 5 client with Session Expiry Interval 30 s and a will delayed by {@code delaySeconds}. */
    private RawMqtt5Client connectWithDelayedWill(String clientId, int delaySeconds) throws Exception {
        MqttProperties connectProperties = new MqttProperties();
        connectProperties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 30));
        MqttProperties willProperties = new MqttProperties();
        willProperties.add(new MqttProperties.IntegerProperty(MqttPropertyType.WILL_DELAY_INTERVAL.value(),
                delaySeconds));
        RawMqtt5Client client = RawMqtt5Client.open(broker.port());
        client.connect(RawMqtt5Client.connect5(clientId, true).properties(connectProperties)
                .willFlag(true).willTopic("presence/" + clientId).willMessage(Hive5.bytes("offline"))
                .willQoS(MqttQoS.AT_LEAST_ONCE).willProperties(willProperties).build());
        return client;
    }

    private void awaitOffline(String clientId) throws InterruptedException {
        Session session = broker.broker().sessions().get(clientId);
        assertNotNull(session);
        assertTrue(Hive5.await(() -> !session.isOnline(), 3_000), "the broker saw the connection drop");
    }
}
