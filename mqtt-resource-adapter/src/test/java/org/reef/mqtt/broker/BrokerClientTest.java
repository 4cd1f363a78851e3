package org.reef.mqtt.broker;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.testing.Paho;
import org.reef.mqtt.testing.RunningBroker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker with real MQTT 3.1.1 clients (Eclipse Paho) over TCP: persistent sessions, QoS 2, retained messages,
 * wills and shared subscriptions.
 */
class BrokerClientTest {

    private RunningBroker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        broker = RunningBroker.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.forEach(Paho::closeQuietly);
        broker.close();
    }

    @Test
    void aPersistentSessionGetsWhatWasPublishedWhileItWasAwayInOrder() throws Exception {
        MqttClient subscriber = client("phone", false);
        subscriber.subscribe("inbox/phone", 1);
        subscriber.disconnect();

        MqttClient publisher = client("server", true);
        int count = 200;
        for (int i = 0; i < count; i++) {
            publisher.publish("inbox/phone", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }

        MqttClient back = new MqttClient(broker.uri(), "phone", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        BlockingQueue<MqttMessage> received = new java.util.concurrent.LinkedBlockingQueue<>();
        back.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(message);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        clients.add(back);
        org.eclipse.paho.client.mqttv3.IMqttToken token = back.connectWithResult(Paho.options(false));
        assertTrue(token.getSessionPresent(), "the session was kept");
        for (int i = 0; i < count; i++) {
            assertEquals("m" + i, Paho.text(Paho.next(received)));
        }
        assertNull(received.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void aCleanSessionForgetsSubscriptions() throws Exception {
        MqttClient subscriber = client("tablet", false);
        subscriber.subscribe("news", 1);
        subscriber.disconnect();
        MqttClient clean = client("tablet", true);
        BlockingQueue<MqttMessage> received = new java.util.concurrent.LinkedBlockingQueue<>();
        clean.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(message);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        client("press", true).publish("news", "x".getBytes(StandardCharsets.UTF_8), 1, false);
        assertNull(received.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void qos2IsDeliveredExactlyOnce() throws Exception {
        MqttClient subscriber = client("sub", true);
        BlockingQueue<MqttMessage> received = Paho.subscribe(subscriber, "exact/#", 2);
        MqttClient publisher = client("pub", true);
        for (int i = 0; i < 20; i++) {
            publisher.publish("exact/" + i, ("q" + i).getBytes(StandardCharsets.UTF_8), 2, false);
        }
        for (int i = 0; i < 20; i++) {
            MqttMessage message = Paho.next(received);
            assertEquals("q" + i, Paho.text(message));
            assertEquals(2, message.getQos());
        }
        assertNull(received.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(0, broker.broker().sessions().get("pub").awaitingReleaseCount());
    }

    @Test
    void mqtt31ClientsAreServedToo() throws Exception {
        MqttConnectOptions v31 = Paho.options(true);
        v31.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        MqttClient subscriber = Paho.connect(broker, "old-subscriber", v31);
        clients.add(subscriber);
        BlockingQueue<MqttMessage> received = Paho.subscribe(subscriber, "legacy/+", 1);
        MqttClient publisher = Paho.connect(broker, "old-publisher", v31);
        clients.add(publisher);
        publisher.publish("legacy/a", "3.1".getBytes(StandardCharsets.UTF_8), 1, false);
        assertEquals("3.1", Paho.text(Paho.next(received)));
        assertEquals(3, broker.broker().sessions().get("old-publisher").limits().protocolLevel());
    }

    @Test
    void deliveriesAreDowngradedToTheSubscriptionsQos() throws Exception {
        MqttClient subscriber = client("sub", true);
        BlockingQueue<MqttMessage> received = Paho.subscribe(subscriber, "down", 0);
        client("pub", true).publish("down", "x".getBytes(StandardCharsets.UTF_8), 2, false);
        assertEquals(0, Paho.next(received).getQos());
    }

    @Test
    void retainedMessagesAreSetReplacedClearedAndDeliveredOnSubscribe() throws Exception {
        MqttClient publisher = client("pub", true);
        publisher.publish("status/door", "open".getBytes(StandardCharsets.UTF_8), 1, true);
        publisher.publish("status/door", "closed".getBytes(StandardCharsets.UTF_8), 1, true);
        publisher.publish("status/window", "ajar".getBytes(StandardCharsets.UTF_8), 1, true);

        MqttClient first = client("first", true);
        BlockingQueue<MqttMessage> received = Paho.subscribe(first, "status/+", 1);
        Map<String, String> retained = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            MqttMessage message = Paho.next(received);
            assertTrue(message.isRetained());
            retained.put(Paho.text(message), "seen");
        }
        assertEquals(Map.of("closed", "seen", "ajar", "seen"), retained);
        assertNull(received.poll(200, TimeUnit.MILLISECONDS));

        publisher.publish("status/door", new byte[0], 1, true);
        MqttMessage clearing = Paho.next(received);
        assertEquals(0, clearing.getPayload().length);
        assertFalse(clearing.isRetained(), "live deliveries have RETAIN cleared for 3.1.1 subscribers");

        MqttClient second = client("second", true);
        BlockingQueue<MqttMessage> later = Paho.subscribe(second, "status/#", 1);
        assertEquals("ajar", Paho.text(Paho.next(later)));
        assertNull(later.poll(200, TimeUnit.MILLISECONDS), "the cleared topic has no retained message");
    }

    @Test
    void theWillIsPublishedWhenTheConnectionDropsButNotAfterDisconnect() throws Exception {
        MqttClient watcher = client("watcher", true);
        BlockingQueue<MqttMessage> wills = Paho.subscribe(watcher, "presence/+", 1);

        MqttConnectOptions polite = Paho.options(true);
        polite.setWill("presence/polite", "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        MqttClient politeClient = Paho.connect(broker, "polite", polite);
        politeClient.disconnect();
        politeClient.close();
        assertNull(wills.poll(300, TimeUnit.MILLISECONDS), "no will after DISCONNECT");

        try (RawMqttClient crashing = RawMqttClient.connectWithWill(broker.port(), "crashing", "presence/crashing",
                "lost")) {
            crashing.dropConnection();
        }
        MqttMessage will = Paho.next(wills);
        assertEquals("lost", Paho.text(will));
    }

    @Test
    void aSharedSubscriptionSpreadsMessagesAcrossItsMembers() throws Exception {
        List<BlockingQueue<MqttMessage>> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(Paho.subscribeAll(client("worker" + i, true), "$share/workers/jobs/+", 1));
        }
        BlockingQueue<MqttMessage> observer = Paho.subscribe(client("observer", true), "jobs/#", 1);
        MqttClient publisher = client("pub", true);
        for (int i = 0; i < 30; i++) {
            publisher.publish("jobs/" + i, ("j" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        for (int i = 0; i < 30; i++) {
            Paho.next(observer);
        }
        int total = 0;
        for (BlockingQueue<MqttMessage> member : members) {
            int got = 0;
            while (member.poll(200, TimeUnit.MILLISECONDS) != null) {
                got++;
            }
            assertEquals(10, got, "round robin gives each member a third");
            total += got;
        }
        assertEquals(30, total);
    }

    @Test
    void aNewConnectionWithTheSameClientIdTakesOver() throws Exception {
        MqttClient first = client("same", true);
        MqttClient second = client("same", true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (first.isConnected() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertFalse(first.isConnected());
        assertTrue(second.isConnected());
    }

    private MqttClient client(String id, boolean clean) throws Exception {
        MqttClient client = Paho.connect(broker, id, clean);
        clients.add(client);
        return client;
    }
}
