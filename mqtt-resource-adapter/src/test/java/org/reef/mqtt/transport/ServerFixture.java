package org.reef.mqtt.transport;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.testing.FakeWorkManager;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real {@link MqttServer} on 127.0.0.1 for one test, with the Paho clients it hands out, all closed by
 * {@link #close()}; plus the checks the transport tests share: a message round trip, threads left behind, free ports.
 */
final class ServerFixture implements AutoCloseable {

    static final long WAIT_SECONDS = 10;
    static final String HOST = "127.0.0.1";

    final FakeWorkManager workManager = new FakeWorkManager();
    final MqttBroker broker;
    final MqttServer server;
    private final List<MqttClient> clients = new ArrayList<>();

    ServerFixture(ListenerConfig listeners) throws InterruptedException {
        this(listeners, BrokerConfig.forTests());
    }

    ServerFixture(ListenerConfig listeners, BrokerConfig config) throws InterruptedException {
        broker = new MqttBroker(config, workManager);
        server = new MqttServer(broker, listeners);
        try {
            server.start();
        } catch (RuntimeException | InterruptedException e) {
            closeWorkManager();
            throw e;
        }
    }

    String uri(Listener kind) {
        String path = kind.webSocket() ? ListenerConfig.DEFAULT_WS_PATH : "";
        String scheme = switch (kind) {
            case TCP -> "tcp";
            case TLS -> "ssl";
            case WS -> "ws";
            case WSS -> "wss";
        };
        return scheme + "://" + HOST + ":" + server.port(kind) + path;
    }

    /** A connected Paho 3.1.1 client; every wait of it is bounded. */
    MqttClient connect(Listener kind, SSLContext ssl, MqttCallback callback) throws MqttException {
        MqttClient client = new MqttClient(uri(kind), "c-" + UUID.randomUUID().toString().substring(0, 8),
                new MemoryPersistence());
        clients.add(client);
        client.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        if (callback != null) {
            client.setCallback(callback);
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout((int) WAIT_SECONDS);
        if (ssl != null) {
            options.setSocketFactory(ssl.getSocketFactory());
        }
        client.connect(options);
        return client;
    }

    /** Subscribes with one client, publishes QoS 1 with another, both over {@code kind}, and checks delivery. */
    void assertExchange(Listener kind, SSLContext ssl) throws MqttException, InterruptedException {
        String topic = "reef/transport/" + kind.name().toLowerCase() + "/" + UUID.randomUUID();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = connect(kind, ssl, new Arrivals(received));
        subscriber.subscribe(topic, 1);
        MqttClient publisher = connect(kind, ssl, null);
        publisher.publish(topic, ("hello over " + kind).getBytes(StandardCharsets.UTF_8), 1, false);
        String payload = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(payload, "no message over " + kind + " within " + WAIT_SECONDS + " s");
        assertEquals("hello over " + kind, payload);
    }

    @Override
    public void close() throws InterruptedException {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect(0);
                }
            } catch (MqttException e) {
                // the server may have gone first
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                // nothing left to close
            }
        }
        server.stop();
        closeWorkManager();
    }

    private void closeWorkManager() throws InterruptedException {
        workManager.close();
    }

    /** Live threads of the server's event loops. */
    static Set<String> reefThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("reef-mqtt"))
                .collect(Collectors.toSet());
    }

    /** Waits, with a bound, until no event loop thread beyond {@code before} is alive. */
    static void assertNoNewReefThreads(Set<String> before) throws InterruptedException {
        awaitTrue(() -> before.containsAll(reefThreads()),
                () -> "threads left behind: " + reefThreads().stream().filter(n -> !before.contains(n)).toList());
    }

    static void awaitTrue(BooleanSupplier condition, Supplier<String> message)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(message.get());
            }
            Thread.sleep(20);
        }
    }

    /** A port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** Checks that a server can bind the port again, as a restarted adapter would. */
    static void assertPortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (IOException e) {
            fail("port " + port + " is still taken: " + e);
        }
    }

    /** Paho callback that queues the payloads arriving. */
    static final class Arrivals implements MqttCallback {

        private final BlockingQueue<String> received;
        final CountDownLatch lost = new CountDownLatch(1);

        Arrivals(BlockingQueue<String> received) {
            this.received = received;
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.countDown();
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    static void assertCounted(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), what);
    }
}
