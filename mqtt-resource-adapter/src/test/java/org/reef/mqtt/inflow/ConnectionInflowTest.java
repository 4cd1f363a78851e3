package org.reef.mqtt.inflow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.testing.FakeEndpointFactory;
import org.reef.mqtt.testing.FakeWorkManager;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inflow through the WorkManager to a fake endpoint factory: lifecycle, order, verdicts and failures. */
class ConnectionInflowTest {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws InterruptedException {
        workManager.close();
    }

    @Test
    void deliversThroughTheFullEndpointLifecycle() throws Exception {
        FakeEndpointFactory factory = new FakeEndpointFactory(m -> MqttAck.ACCEPTED);
        ConnectionInflow inflow = new ConnectionInflow(workManager, "c1");

        inflow.submit(delivery(activation(factory, "chat/#"), "chat/a", "hello"));

        Outcome outcome = next();
        assertEquals(MqttAck.ACCEPTED, outcome.ack());
        assertNull(outcome.failure());
        assertEquals(List.of("create", "before", "onMessage:chat/a", "after", "release"), factory.calls());
        assertEquals("hello", new String(factory.received().get(0).payload(), StandardCharsets.UTF_8));
        assertEquals(0, inflow.pending());
    }

    @Test
    void keepsTheConnectionsPublishOrder() throws Exception {
        FakeEndpointFactory factory = new FakeEndpointFactory(m -> MqttAck.ACCEPTED);
        ConnectionInflow inflow = new ConnectionInflow(workManager, "c1");
        MqttActivation activation = activation(factory, "chat/#");
        int count = 500;
        for (int i = 0; i < count; i++) {
            inflow.submit(delivery(activation, "chat/a", Integer.toString(i)));
        }
        for (int i = 0; i < count; i++) {
            assertNotNull(next());
        }
        List<String> payloads = new ArrayList<>();
        factory.received().forEach(m -> payloads.add(new String(m.payload(), StandardCharsets.UTF_8)));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, payloads);
        assertTrue(workManager.scheduledCount() >= count / 64, "drained in batches of bounded size");
    }

    @Test
    void aRefusalIsTheVerdict() throws Exception {
        MqttAck refused = MqttAck.refused(0x87, "not yours");
        FakeEndpointFactory factory = new FakeEndpointFactory(m -> refused);
        ConnectionInflow inflow = new ConnectionInflow(workManager, "c1");

        inflow.submit(delivery(activation(factory, "chat/#"), "chat/a", "x"));

        assertEquals(refused, next().ack());
    }

    @Test
    void aThrowingListenerIsAFailureAndTheEndpointIsStillReleased() throws Exception {
        FakeEndpointFactory factory = new FakeEndpointFactory(m -> {
            throw new IllegalStateException("database down");
        });
        ConnectionInflow inflow = new ConnectionInflow(workManager, "c1");

        inflow.submit(delivery(activation(factory, "chat/#"), "chat/a", "x"));

        Outcome outcome = next();
        assertNull(outcome.ack());
        assertInstanceOf(IllegalStateException.class, outcome.failure());
        assertEquals(List.of("create", "before", "onMessage:chat/a", "after", "release"), factory.calls());
    }

    @Test
    void aFailedCommitIsAFailure() throws Exception {
        FakeEndpointFactory factory = new FakeEndpointFactory(m -> MqttAck.ACCEPTED);
        factory.failCommits(new IllegalStateException("serialization failure"));
        ConnectionInflow inflow = new ConnectionInflow(workManager, "c1");

        inflow.submit(delivery(activation(factory, "chat/#"), "chat/a", "x"));

        Outcome outcome = next();
        assertNull(outcome.ack());
        assertNotNull(outcome.failure());
        assertEquals("release", factory.calls().get(factory.calls().size() - 1));
    }

    @Test
    void aRejectedWorkFailsTheDeliveryInsteadOfLosingIt() throws Exception {
        FakeEndpointFactory factory = new FakeEndpointFactory(m -> MqttAck.ACCEPTED);
        ConnectionInflow inflow = new ConnectionInflow(workManager, "c1");
        workManager.rejectAll();

        inflow.submit(delivery(activation(factory, "chat/#"), "chat/a", "x"));

        Outcome outcome = next();
        assertNotNull(outcome.failure());
        assertEquals(0, inflow.pending());
        assertTrue(factory.calls().isEmpty());
    }

    @Test
    void anEndpointNeverRunsMoreDeliveriesAtOnceThanItsMaxConcurrency() throws Exception {
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
        FakeEndpointFactory factory = new FakeEndpointFactory(m -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return MqttAck.ACCEPTED;
        });
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter("chat/#");
        spec.setMaxConcurrency(2);
        MqttActivation activation = new MqttActivation(factory, spec);
        List<ConnectionInflow> connections = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            connections.add(new ConnectionInflow(workManager, "c" + c));
        }
        int perConnection = 25;
        for (int i = 0; i < perConnection; i++) {
            for (ConnectionInflow connection : connections) {
                connection.submit(delivery(activation, "chat/a", Integer.toString(i)));
            }
        }
        for (int i = 0; i < perConnection * connections.size(); i++) {
            assertNotNull(next());
        }
        assertEquals(perConnection * connections.size(), factory.received().size());
        assertTrue(peak.get() <= 2, "peak concurrency " + peak.get());
        assertEquals(2, peak.get(), "both slots were used");
    }

    private MqttActivation activation(FakeEndpointFactory factory, String filter) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(filter);
        return new MqttActivation(factory, spec);
    }

    private InflowDelivery delivery(MqttActivation activation, String topic, String payload) {
        MqttInboundMessage message = new MqttInboundMessage("c1", null, topic,
                payload.getBytes(StandardCharsets.UTF_8), 1, false, Instant.now());
        return new InflowDelivery(message, List.of(activation), (ack, failure) -> outcomes.add(new Outcome(ack, failure)));
    }

    private Outcome next() throws InterruptedException {
        Outcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
        assertNotNull(outcome, "no delivery outcome within 10 s");
        return outcome;
    }

    private record Outcome(MqttAck ack, Throwable failure) {
    }
}
