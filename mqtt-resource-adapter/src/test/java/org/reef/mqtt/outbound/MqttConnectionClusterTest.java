package org.reef.mqtt.outbound;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.adapter.MqttResourceAdapter;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.testing.FakeBootstrapContext;
import org.reef.mqtt.transport.Listener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the adapter offers an application that joins brokers into a cluster: the relay of client publishes
 * ({@link MqttConnection#relayTo}), routing what another broker relayed ({@link MqttConnection#routeRelayed}), and
 * letting go of a client id that connected elsewhere ({@link MqttConnection#takenOverElsewhere}). Two adapters in one
 * JVM, the relay wired from one to the other as the application's cluster bus would carry it.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MqttConnectionClusterTest {

    private final FakeBootstrapContext contextA = new FakeBootstrapContext();
    private final FakeBootstrapContext contextB = new FakeBootstrapContext();
    private final MqttResourceAdapter a = new MqttResourceAdapter();
    private final MqttResourceAdapter b = new MqttResourceAdapter();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private MqttConnection connectionA;
    private MqttConnection connectionB;

    @BeforeEach
    void start() throws Exception {
        connectionA = start(a, contextA);
        connectionB = start(b, contextB);
    }

    private static MqttConnection start(MqttResourceAdapter adapter, FakeBootstrapContext context) throws Exception {
        adapter.setPort(0);
        adapter.setTlsPort(-1);
        adapter.setWsPort(-1);
        adapter.setWssPort(-1);
        adapter.setAllowAnonymous(true);
        adapter.setIoThreads(2);
        adapter.start(context);
        MqttManagedConnectionFactory factory = new MqttManagedConnectionFactory();
        factory.setResourceAdapter(adapter);
        return (MqttConnection) factory.createManagedConnection(null, null).getConnection(null, null);
    }

    @AfterEach
    void stop() throws Exception {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.toAsync().disconnect().get(2, TimeUnit.SECONDS);
            }
        }
        a.stop();
        b.stop();
        contextA.close();
        contextB.close();
    }

    @Test
    void clientPublishesAreRelayedInOrderWithTheirPropertiesAndRetainedOnTheOtherBroker() throws Exception {
        connectionA.relayTo(message -> {
            try {
                connectionB.routeRelayed(message);
            } catch (ResourceException e) {
                throw new IllegalStateException(e);
            }
        });
        Mqtt5BlockingClient subscriber = connect(b, "sub");
        subscriber.subscribeWith().topicFilter("sensors/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient publisher = connect(a, "pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            for (int i = 0; i < 50; i++) {
                publisher.publishWith().topic("sensors/t").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8))
                        .userProperties().add("seq", Integer.toString(i)).applyUserProperties().send();
            }
            for (int i = 0; i < 50; i++) {
                Optional<Mqtt5Publish> received = publishes.receive(5, TimeUnit.SECONDS);
                assertTrue(received.isPresent(), "message " + i + " relayed");
                assertEquals(Integer.toString(i), new String(received.get().getPayloadAsBytes(),
                        StandardCharsets.UTF_8), "in the publisher's order");
                assertEquals(Integer.toString(i), received.get().getUserProperties().asList().get(0).getValue()
                        .toString(), "with its MQTT 5 properties");
            }
        }

        publisher.publishWith().topic("config/x").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("v1".getBytes(StandardCharsets.UTF_8)).send();
        Mqtt5BlockingClient late = connect(b, "late");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = late.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            late.subscribeWith().topicFilter("config/x").qos(MqttQos.AT_LEAST_ONCE).send();
            Optional<Mqtt5Publish> retained = publishes.receive(5, TimeUnit.SECONDS);
            assertTrue(retained.isPresent(), "retained on the other broker");
            assertEquals("v1", new String(retained.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }

        // a broker that joins later takes the retained messages, but keeps a newer one of its own
        publisher.publishWith().topic("config/y").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("old".getBytes(StandardCharsets.UTF_8)).send();
        connectionA.relayTo(null);
        publisher.publishWith().topic("config/y").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("new on A only".getBytes(StandardCharsets.UTF_8)).send();
        publisher.publishWith().topic("config/z").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("z".getBytes(StandardCharsets.UTF_8)).send();
        for (byte[] copy : connectionB.retainedMessages()) {
            connectionA.retainCopy(copy);
        }
        assertEquals(3, connectionA.retainedMessages().size(), "config/x, y and z");
        Mqtt5BlockingClient reader = connect(a, "reader");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = reader.publishes(
                com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            reader.subscribeWith().topicFilter("config/y").qos(MqttQos.AT_LEAST_ONCE).send();
            assertEquals("new on A only", new String(publishes.receive(5, TimeUnit.SECONDS).orElseThrow()
                    .getPayloadAsBytes(), StandardCharsets.UTF_8), "the newer one stays");
        }
        assertThrows(ResourceException.class, () -> connectionA.retainCopy(new byte[3]));
        connectionA.relayTo(message -> {
            try {
                connectionB.routeRelayed(message);
            } catch (ResourceException e) {
                throw new IllegalStateException(e);
            }
        });

        // with a relay, subscribers elsewhere may exist: no 0x10 No matching subscribers
        Mqtt5PublishResult result = publisher.publishWith().topic("nobody/here").qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[1]).send();
        assertEquals(Mqtt5PubAckReasonCode.SUCCESS,
                ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode());
        connectionA.relayTo(null);
        result = publisher.publishWith().topic("nobody/here").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[1]).send();
        assertEquals(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS,
                ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode(), "a broker of its own");

        assertThrows(ResourceException.class, () -> connectionB.routeRelayed(new byte[]{42, 1, 2}));
    }

    @Test
    void aSharedGroupWithMembersOnBothBrokersGetsEachMessageOnce() throws Exception {
        connectionA.relayTo(message -> {
            try {
                connectionB.routeRelayed(message);
            } catch (ResourceException e) {
                throw new IllegalStateException(e);
            }
        });
        // both brokers decide alike from the key: even keys on A, odd ones on B
        connectionA.placeSharedWith((filter, key) -> (key & 1) == 0);
        connectionB.placeSharedWith((filter, key) -> (key & 1) == 1);
        Mqtt5BlockingClient onA = connect(a, "worker-a");
        Mqtt5BlockingClient onB = connect(b, "worker-b");
        onA.subscribeWith().topicFilter("$share/workers/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
        onB.subscribeWith().topicFilter("$share/workers/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
        assertEquals(List.of("$share/workers/jobs/#"), connectionA.sharedFilters());
        assertEquals(List.of("$share/workers/jobs/#"), connectionB.sharedFilters());
        Mqtt5BlockingClient publisher = connect(a, "boss");
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        int[] perBroker = new int[2];
        onA.toAsync().publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, p -> {
            received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            perBroker[0]++;
        });
        onB.toAsync().publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, p -> {
            received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            perBroker[1]++;
        });
        for (int i = 0; i < 100; i++) {
            publisher.publishWith().topic("jobs/1").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).send();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200); // and no more
        assertEquals(100, received.size(), "each message to the group once");
        assertEquals(100, new java.util.HashSet<>(received).size(), "no message twice");
        assertTrue(perBroker[0] > 0 && perBroker[1] > 0, "members on both brokers take turns: " + perBroker[0]
                + " / " + perBroker[1]);
    }

    @Test
    void aClientIdThatConnectedElsewhereIsClosedWith0x8eAndItsSessionDropped() throws Exception {
        AtomicReference<Mqtt5DisconnectReasonCode> reason = new AtomicReference<>();
        Mqtt5BlockingClient device = MqttClient.builder().useMqttVersion5().identifier("dev")
                .serverHost("127.0.0.1").serverPort(a.port(Listener.TCP))
                .addDisconnectedListener(context -> {
                    if (context.getCause() instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException
                            disconnect) {
                        reason.set(disconnect.getMqttMessage().getReasonCode());
                    }
                }).buildBlocking();
        device.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
        clients.add(device);

        assertTrue(connectionA.takenOverElsewhere("dev", System.currentTimeMillis() - 60_000), "it has the session");
        Thread.sleep(300); // the broker acts on the session's own thread
        assertTrue(device.getState().isConnected(), "a connect elsewhere older than this connection changes nothing");

        assertTrue(connectionA.takenOverElsewhere("dev", System.currentTimeMillis() + 1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (device.getState().isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(device.getState().isConnected(), "closed");
        assertEquals(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER, reason.get());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (connectionA.takenOverElsewhere("dev", System.currentTimeMillis()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(connectionA.takenOverElsewhere("dev", System.currentTimeMillis()),
                "its persistent session is gone from this broker");
        assertFalse(connectionB.takenOverElsewhere("nobody", System.currentTimeMillis()));
    }

    private Mqtt5BlockingClient connect(MqttResourceAdapter adapter, String clientId) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(adapter.port(Listener.TCP)).buildBlocking();
        client.connectWith().cleanStart(true).send();
        clients.add(client);
        return client;
    }
}
