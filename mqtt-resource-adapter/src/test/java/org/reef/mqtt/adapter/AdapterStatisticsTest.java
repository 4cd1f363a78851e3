package org.reef.mqtt.adapter;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttStatistics;
import org.reef.mqtt.testing.FakeBootstrapContext;
import org.reef.mqtt.transport.Listener;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter's {@link MqttStatistics}, which the application's metrics and health checks read: driven by real MQTT
 * clients over TCP, every count moves by exactly what the clients did.
 */
class AdapterStatisticsTest {

    private final FakeBootstrapContext context = new FakeBootstrapContext();
    private final MqttResourceAdapter adapter = MqttResourceAdapterTest.loopbackAdapter();

    @AfterEach
    void stop() throws InterruptedException {
        adapter.stop();
        context.close();
    }

    @Test
    void countsFollowWhatClientsDo() throws Exception {
        adapter.setSysInterval(0);
        adapter.start(context);
        MqttStatistics stats = adapter.statistics();
        assertTrue(stats.listenersBound());
        assertEquals(0, stats.openConnections("tcp"));

        MqttClient subscriber = client("sub");
        CountDownLatch received = new CountDownLatch(2);
        subscriber.subscribe("sensors/#", 1, (topic, message) -> received.countDown());
        MqttClient publisher = client("pub");
        publisher.publish("sensors/a", "1".getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.publish("sensors/b", "2".getBytes(StandardCharsets.UTF_8), 0, false);
        assertTrue(received.await(5, TimeUnit.SECONDS));

        assertEquals(2, stats.openConnections("tcp"));
        assertEquals(0, stats.openConnections("ws"), "listener off");
        assertEquals(2, stats.connects());
        assertEquals(1, stats.messagesReceived(1));
        assertEquals(1, stats.messagesReceived(0));
        assertEquals(0, stats.messagesReceived(2));
        awaitTrue(() -> stats.messagesSent(1) == 1 && stats.messagesSent(0) == 1, "sent by QoS");
        assertEquals(0, stats.queuedMessages());
        assertEquals(2, stats.activeEndpoints() + 2, "no endpoints activated");
        assertTrue(stats.reservedTopicsOpen() == adapter.requireStarted().config().limits().reservedTopics().isEmpty());

        publisher.disconnect();
        publisher.close();
        awaitTrue(() -> stats.openConnections("tcp") == 1, "a closed connection leaves the gauge");
        subscriber.disconnect();
        subscriber.close();
    }

    @Test
    void aRefusedConnectIsCountedByItsReasonCode() throws Exception {
        adapter.setAllowAnonymous(false);
        adapter.setSysInterval(0);
        adapter.start(context);
        MqttException refused = assertThrows(MqttException.class, () -> client("anonymous"));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());
        MqttStatistics stats = adapter.statistics();
        awaitTrue(() -> stats.connectRefusals("0x87") == 1, "0x87 Not authorized (3.1.1 code 5)");
        assertEquals(0, stats.connectRefusals("0x86"));
        assertEquals(0, stats.connects());
        for (String reason : MqttStatistics.CONNECT_REFUSAL_REASONS) {
            stats.connectRefusals(reason); // every documented reason is known
        }
        for (String cause : MqttStatistics.DROP_CAUSES) {
            assertEquals(0, stats.messagesDropped(cause), cause);
        }
    }

    @Test
    void aStoppedAdapterAnswersZeroAndNotBound() throws Exception {
        adapter.start(context);
        MqttStatistics stats = adapter.statistics();
        adapter.stop();
        assertFalse(stats.listenersBound());
        assertEquals(0, stats.connects());
        assertEquals(0, stats.openConnections("tcp"));
        assertFalse(stats.reservedTopicsOpen());
    }

    private MqttClient client(String id) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + adapter.port(Listener.TCP), id,
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(5);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // no second try with 3.1 after a refusal
        client.connect(options);
        return client;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
