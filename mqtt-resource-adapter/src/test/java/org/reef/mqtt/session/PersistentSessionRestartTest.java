package org.reef.mqtt.session;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.testing.Paho;
import org.reef.mqtt.testing.RunningBroker;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent sessions survive a restart of the broker (MQTT 3.1.1 section 3.1.2.4), kept in a real PostgreSQL: a
 * client with a persistent session that was offline while QoS 1 messages arrived reconnects to a new broker process
 * state, without subscribing again (as Paho and phone SDKs with persistent sessions do), and gets them, in order, then
 * new ones too. Each "restart" stops the broker and its store and starts new ones over the same database.
 */
class PersistentSessionRestartTest {

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;

    @BeforeAll
    static void startDatabase() throws IOException {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void anOfflineSessionGetsWhatArrivedMeanwhileAfterARestartWithoutSubscribingAgain() throws Exception {
        String phone = "phone-" + UUID.randomUUID();
        String topic = "news/" + UUID.randomUUID();
        try (Node node = Node.start()) {
            MqttClient client = Paho.connect(node.broker, phone, false);
            client.subscribe(topic + "/#", 1);
            client.disconnect();
            client.close();
            MqttClient publisher = Paho.connect(node.broker, "pub-" + UUID.randomUUID(), true);
            for (int i = 0; i < 5; i++) {
                publisher.publish(topic + "/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            publisher.publish(topic + "/x", "qos0".getBytes(StandardCharsets.UTF_8), 0, false);
            publisher.disconnect();
            publisher.close();
        }

        try (Node node = Node.start()) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            MqttClient client = new MqttClient(node.broker.uri(), phone, new MemoryPersistence());
            client.setCallback(collector(received));
            MqttConnectOptions options = Paho.options(false);
            boolean present = client.connectWithResult(options).getSessionPresent();
            assertTrue(present, "the session survived the restart");
            List<String> payloads = take(received, 5);
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), payloads, "QoS 1 messages in order");

            MqttClient publisher = Paho.connect(node.broker, "pub-" + UUID.randomUUID(), true);
            publisher.publish(topic + "/y", "after".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("after", received.poll(10, TimeUnit.SECONDS), "the subscription routes again");
            assertNull(received.poll(300, TimeUnit.MILLISECONDS), "QoS 0 is not kept for an offline client");
            publisher.disconnect();
            publisher.close();
            client.disconnect();
            client.close();
        }

        try (Node node = Node.start()) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            MqttClient client = new MqttClient(node.broker.uri(), phone, new MemoryPersistence());
            client.setCallback(collector(received));
            assertTrue(client.connectWithResult(Paho.options(false)).getSessionPresent());
            assertNull(received.poll(500, TimeUnit.MILLISECONDS), "what was delivered is not delivered again");
            client.disconnect();
            client.close();
        }
    }

    @Test
    void aMessageUnacknowledgedWhenTheClientLeftIsKept() throws Exception {
        String phone = "slow-" + UUID.randomUUID();
        String topic = "slow/" + UUID.randomUUID();
        try (Node node = Node.start()) {
            MqttClient client = new MqttClient(node.broker.uri(), phone, new MemoryPersistence());
            client.setManualAcks(true); // receives, never acknowledges
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            client.setCallback(collector(received));
            client.connect(Paho.options(false));
            client.subscribe(topic, 1);
            MqttClient publisher = Paho.connect(node.broker, "pub-" + UUID.randomUUID(), true);
            publisher.publish(topic, "unacked".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("unacked", received.poll(10, TimeUnit.SECONDS));
            client.disconnectForcibly(0, 1000, false);
            client.close();
            publisher.disconnect();
            publisher.close();
        }
        try (Node node = Node.start()) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            MqttClient client = new MqttClient(node.broker.uri(), phone, new MemoryPersistence());
            client.setCallback(collector(received));
            assertTrue(client.connectWithResult(Paho.options(false)).getSessionPresent());
            assertEquals("unacked", received.poll(10, TimeUnit.SECONDS), "delivered again after the restart");
            client.disconnect();
            client.close();
        }
    }

    @Test
    void aCleanSessionEndsTheStoredOneAndAnExpiredSessionIsNotRestored() throws Exception {
        String phone = "clean-" + UUID.randomUUID();
        try (Node node = Node.start()) {
            MqttClient client = Paho.connect(node.broker, phone, false);
            client.subscribe("clean/#", 1);
            client.disconnect();
            client.close();
            MqttClient again = Paho.connect(node.broker, phone, true); // clean session: the old one ends
            again.disconnect();
            again.close();
        }
        assertFalse(storedClientIds().contains(phone), "a clean session leaves nothing stored");

        String expired = "expired-" + UUID.randomUUID();
        JdbcSessionStore store = new JdbcSessionStore(dataSource, 100);
        store.start();
        store.disconnected(expired, null, 60, System.currentTimeMillis() - 1_000,
                List.of(new Subscription(expired, "gone/#", SubscriptionOptions.ofQos(1))), List.of());
        store.close(10, TimeUnit.SECONDS);
        assertTrue(storedClientIds().contains(expired));
        JdbcSessionStore reader = new JdbcSessionStore(dataSource, 100);
        reader.start();
        try {
            assertTrue(reader.load().stream().noneMatch(s -> s.clientId().equals(expired)), "expired: not restored");
            assertFalse(storedClientIds().contains(expired), "and deleted");
        } finally {
            reader.close(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void storedDeliveriesKeepTheirPropertiesAndExpiry() {
        MessageProperties properties = new MessageProperties(1, "text/plain", "reply/here",
                new byte[]{1, 2, 3}, List.of(new MessageProperties.UserProperty("k", "v é")));
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        Delivery delivery = new Delivery(new PublishMessage("a/b", "body".getBytes(StandardCharsets.UTF_8), 2, true,
                "pub", properties, nowNanos + TimeUnit.SECONDS.toNanos(30)), 1, true, List.of(7, 9));

        Delivery back = DeliveryCodec.decode(DeliveryCodec.encode(delivery, nowNanos, nowMillis), nowNanos,
                nowMillis);

        assertEquals("a/b", back.message().topic());
        assertEquals("body", new String(back.message().payload(), StandardCharsets.UTF_8));
        assertEquals(2, back.message().qos());
        assertTrue(back.message().retain());
        assertEquals("pub", back.message().publisherId());
        assertEquals("text/plain", back.message().properties().contentType());
        assertEquals("reply/here", back.message().properties().responseTopic());
        assertEquals(1, back.message().properties().payloadFormatIndicator());
        assertEquals(List.of(new MessageProperties.UserProperty("k", "v é")),
                back.message().properties().userProperties());
        assertEquals(30, back.message().remainingExpirySeconds(nowNanos));
        assertEquals(1, back.qos());
        assertEquals(List.of(7, 9), back.subscriptionIds());
    }

    private static List<String> storedClientIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select client_id from mqtt_session")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static List<String> take(BlockingQueue<String> queue, int count) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String next = queue.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "message " + i + " of " + count + " (got " + taken + ")");
            taken.add(next);
        }
        return taken;
    }

    private static org.eclipse.paho.client.mqttv3.MqttCallback collector(BlockingQueue<String> received) {
        return new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        };
    }

    /** One broker "process": a store over the shared database and a broker restored from it. */
    private static final class Node implements AutoCloseable {
        final JdbcSessionStore store;
        final RunningBroker broker;

        private Node(JdbcSessionStore store, RunningBroker broker) {
            this.store = store;
            this.broker = broker;
        }

        static Node start() throws Exception {
            JdbcSessionStore store = new JdbcSessionStore(dataSource, 10_000);
            store.start();
            return new Node(store, RunningBroker.start(store));
        }

        /** Shuts down like the adapter: connections closed (their sessions stored), then the store written out. */
        @Override
        public void close() throws Exception {
            broker.close();
            store.close(10, TimeUnit.SECONDS);
        }
    }
}
