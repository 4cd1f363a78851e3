package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.reef.mqtt.testing.RunningBroker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * HiveMQ MQTT 5 clients for tests against a {@link RunningBroker}, closed together, plus bounded waits.
 */
final class Hive5 implements AutoCloseable {

    private final RunningBroker broker;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    Hive5(RunningBroker broker) {
        this.broker = broker;
    }

    /** A builder for a client of this broker, with bounded connect timeouts and no automatic reconnect. */
    Mqtt5ClientBuilder builder(String clientId) {
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5()
                .transportConfig()
                .serverHost("127.0.0.1").serverPort(broker.port())
                .socketConnectTimeout(5, TimeUnit.SECONDS).mqttConnectTimeout(5, TimeUnit.SECONDS)
                .applyTransportConfig();
        return clientId == null ? builder : builder.identifier(clientId);
    }

    /** An unconnected client, closed with the others. */
    Mqtt5BlockingClient client(String clientId) {
        return track(builder(clientId).buildBlocking());
    }

    Mqtt5BlockingClient track(Mqtt5BlockingClient client) {
        clients.add(client);
        return client;
    }

    /** A connected client with a clean start and no session expiry. */
    Mqtt5BlockingClient connect(String clientId) {
        Mqtt5BlockingClient client = client(clientId);
        client.connectWith().cleanStart(true).send();
        return client;
    }

    /** The queue every message of the client arrives in (register before subscribing or connecting). */
    static BlockingQueue<Mqtt5Publish> collect(Mqtt5BlockingClient client) {
        BlockingQueue<Mqtt5Publish> received = new LinkedBlockingQueue<>();
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL, received::add);
        return received;
    }

    /** Connected client subscribed to one filter, with its message queue. */
    BlockingQueue<Mqtt5Publish> subscriber(String clientId, String filter, MqttQos qos) {
        Mqtt5BlockingClient client = connect(clientId);
        BlockingQueue<Mqtt5Publish> received = collect(client);
        client.subscribeWith().topicFilter(filter).qos(qos).send();
        return received;
    }

    static Mqtt5Publish next(BlockingQueue<Mqtt5Publish> queue) throws InterruptedException {
        return next(queue, 5_000);
    }

    static Mqtt5Publish next(BlockingQueue<Mqtt5Publish> queue, long timeoutMillis) throws InterruptedException {
        Mqtt5Publish message = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + timeoutMillis + " ms");
        }
        return message;
    }

    static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for a condition, polling, with a bound; returns whether it became true. */
    static boolean await(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return true;
    }

    /** Runs a read of session state on the session's own executor and waits for it (bounded). */
    static void onSession(org.reef.mqtt.session.Session session, Runnable read) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        session.execute(() -> {
            try {
                read.run();
            } finally {
                done.countDown();
            }
        });
        if (!done.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError("the session's executor did not run the task within 5 s");
        }
    }

    @Override
    public void close() {
        for (Mqtt5BlockingClient client : clients) {
            try {
                if (client.getState().isConnected()) {
                    client.toAsync().disconnect().get(2, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // already gone
            }
        }
        clients.clear();
    }
}
