package org.reef.mqtt.inflow;

import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttBatchMessageListener;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.testing.FakeWorkManager;

import javax.transaction.xa.XAResource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch delivery to a {@link MqttBatchMessageListener} through {@link ConnectionInflow} and {@link BatchInflow}. */
class BatchInflowTest {

    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private FakeWorkManager workManager = new FakeWorkManager();

    private record Outcome(String clientId, String payload, MqttAck ack, Throwable failure) {
    }

    @AfterEach
    void stop() throws InterruptedException {
        workManager.close();
    }

    @Test
    void messagesWaitingFromSeveralConnectionsGoInOneCallAndOneTransaction() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        MqttActivation activation = activation(endpoints, 4, 32);
        for (int c = 0; c < 10; c++) {
            new ConnectionInflow(workManager, "c" + c).submit(delivery(activation, "c" + c, "m"));
        }
        workManager.runHeld();

        assertEquals(10, outcomes.size());
        assertEquals(List.of(10), endpoints.batchSizes(), "everything waiting went in one batch");
        assertEquals(List.of("create", "before", "onMessages:10", "after", "release"), endpoints.calls());
    }

    @Test
    void aBatchIsNoLargerThanMaxBatchSize() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        MqttActivation activation = activation(endpoints, 1, 4);
        for (int c = 0; c < 10; c++) {
            new ConnectionInflow(workManager, "c" + c).submit(delivery(activation, "c" + c, "m"));
        }
        workManager.runHeld();

        assertEquals(List.of(4, 4, 2), endpoints.batchSizes());
        assertEquals(10, outcomes.size());
    }

    @Test
    void eachConnectionsMessagesArriveInPublishOrderNeverTwoInOneBatch() throws Exception {
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        MqttActivation activation = activation(endpoints, 3, 32);
        List<ConnectionInflow> connections = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            connections.add(new ConnectionInflow(workManager, "c" + c));
        }
        int perConnection = 200;
        for (int i = 0; i < perConnection; i++) {
            for (int c = 0; c < connections.size(); c++) {
                connections.get(c).submit(delivery(activation, "c" + c, Integer.toString(i)));
            }
        }
        for (int i = 0; i < perConnection * connections.size(); i++) {
            assertNotNull(outcomes.poll(10, TimeUnit.SECONDS), "outcome " + i);
        }
        Map<String, Integer> last = new ConcurrentHashMap<>();
        for (List<MqttInboundMessage> batch : endpoints.batches) {
            assertEquals(batch.size(), batch.stream().map(MqttInboundMessage::clientId).distinct().count(),
                    "one message per connection in a batch");
            for (MqttInboundMessage message : batch) {
                int n = Integer.parseInt(new String(message.payload(), StandardCharsets.UTF_8));
                Integer previous = last.put(message.clientId(), n);
                assertEquals(previous == null ? 0 : previous + 1, n, message.clientId() + " in publish order");
            }
        }
        assertTrue(connections.stream().allMatch(c -> c.pending() == 0));
    }

    @Test
    void verdictsReachTheirOwnMessages() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> messages.stream()
                .map(m -> m.clientId().equals("c1") ? MqttAck.refused(0x87, "no") : MqttAck.ACCEPTED).toList());
        MqttActivation activation = activation(endpoints, 1, 32);
        for (int c = 0; c < 3; c++) {
            new ConnectionInflow(workManager, "c" + c).submit(delivery(activation, "c" + c, "m"));
        }
        workManager.runHeld();

        for (int i = 0; i < 3; i++) {
            Outcome outcome = outcomes.take();
            assertEquals(outcome.clientId().equals("c1") ? 0x87 : 0x00, outcome.ack().reasonCode(), outcome.clientId());
        }
        assertEquals(List.of(3), endpoints.batchSizes());
    }

    @Test
    void aFailedBatchIsDeliveredAgainMessageByMessageSoOnlyTheBadOneFails() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> {
            if (messages.stream().anyMatch(m -> m.clientId().equals("c2"))) {
                throw new IllegalStateException("poison");
            }
            return accepted(messages.size());
        });
        MqttActivation activation = activation(endpoints, 1, 32);
        for (int c = 0; c < 4; c++) {
            new ConnectionInflow(workManager, "c" + c).submit(delivery(activation, "c" + c, "m"));
        }
        workManager.runHeld();

        assertEquals(List.of(4, 1, 1, 1, 1), endpoints.batchSizes());
        for (int i = 0; i < 4; i++) {
            Outcome outcome = outcomes.take();
            if (outcome.clientId().equals("c2")) {
                assertNull(outcome.ack());
                assertEquals("poison", outcome.failure().getMessage());
            } else {
                assertEquals(MqttAck.ACCEPTED, outcome.ack(), outcome.clientId());
            }
        }
    }

    @Test
    void aFailedCommitOfABatchIsRetriedMessageByMessage() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        endpoints.failCommitsOfBatchesLargerThan = 1;
        MqttActivation activation = activation(endpoints, 1, 32);
        for (int c = 0; c < 3; c++) {
            new ConnectionInflow(workManager, "c" + c).submit(delivery(activation, "c" + c, "m"));
        }
        workManager.runHeld();

        assertEquals(List.of(3, 1, 1, 1), endpoints.batchSizes());
        for (int i = 0; i < 3; i++) {
            assertEquals(MqttAck.ACCEPTED, outcomes.take().ack());
        }
    }

    @Test
    void aListenerAnsweringWithTheWrongNumberOfVerdictsFails() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> List.of());
        MqttActivation activation = activation(endpoints, 1, 32);
        new ConnectionInflow(workManager, "c0").submit(delivery(activation, "c0", "m"));
        workManager.runHeld();

        Outcome outcome = outcomes.take();
        assertNull(outcome.ack());
        assertTrue(outcome.failure().getMessage().contains("verdicts"), outcome.failure().getMessage());
    }

    @Test
    void aRefusedWorkFailsTheWaitingMessagesInsteadOfStrandingThem() throws Exception {
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        MqttActivation activation = activation(endpoints, 1, 32);
        ConnectionInflow connection = new ConnectionInflow(workManager, "c0");
        workManager.rejectAll();
        connection.submit(delivery(activation, "c0", "m"));

        Outcome outcome = outcomes.poll(5, TimeUnit.SECONDS);
        assertNotNull(outcome);
        assertNull(outcome.ack());
        assertNotNull(outcome.failure());
        assertEquals(0, connection.pending());
    }

    private static List<MqttAck> accepted(int count) {
        List<MqttAck> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(MqttAck.ACCEPTED);
        }
        return acks;
    }

    private MqttActivation activation(BatchEndpoints endpoints, int maxConcurrency, int maxBatchSize) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter("im/#");
        spec.setMaxConcurrency(maxConcurrency);
        spec.setMaxBatchSize(maxBatchSize);
        MqttActivation activation = new MqttActivation(endpoints, spec);
        assertTrue(activation.isBatchListener());
        return activation;
    }

    private InflowDelivery delivery(MqttActivation activation, String clientId, String payload) {
        MqttInboundMessage message = new MqttInboundMessage(clientId, "user", "im/send",
                payload.getBytes(StandardCharsets.UTF_8), 1, false, Instant.now());
        return new InflowDelivery(message, List.of(activation),
                (ack, failure) -> outcomes.add(new Outcome(clientId, payload, ack, failure)));
    }

    /** Endpoints implementing {@link MqttBatchMessageListener}, recording lifecycle calls and batches. */
    private static final class BatchEndpoints implements MessageEndpointFactory {

        final List<List<MqttInboundMessage>> batches = new CopyOnWriteArrayList<>();
        private final List<String> calls = new CopyOnWriteArrayList<>();
        private final Function<List<MqttInboundMessage>, List<MqttAck>> listener;
        volatile int failCommitsOfBatchesLargerThan = Integer.MAX_VALUE;

        BatchEndpoints(Function<List<MqttInboundMessage>, List<MqttAck>> listener) {
            this.listener = listener;
        }

        List<Integer> batchSizes() {
            return batches.stream().map(List::size).toList();
        }

        List<String> calls() {
            return calls;
        }

        @Override
        public MessageEndpoint createEndpoint(XAResource xaResource) {
            calls.add("create");
            int[] size = new int[1];
            InvocationHandler handler = (proxy, method, args) -> invoke(method, args, size);
            return (MessageEndpoint) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{MessageEndpoint.class, MqttBatchMessageListener.class}, handler);
        }

        @SuppressWarnings("unchecked")
        private Object invoke(Method method, Object[] args, int[] size) {
            switch (method.getName()) {
                case "beforeDelivery" -> calls.add("before");
                case "afterDelivery" -> {
                    calls.add("after");
                    if (size[0] > failCommitsOfBatchesLargerThan) {
                        throw new IllegalStateException("deadlock detected");
                    }
                }
                case "release" -> calls.add("release");
                case "onMessages" -> {
                    List<MqttInboundMessage> messages = List.copyOf((List<MqttInboundMessage>) args[0]);
                    calls.add("onMessages:" + messages.size());
                    batches.add(messages);
                    size[0] = messages.size();
                    return listener.apply(messages);
                }
                case "hashCode" -> {
                    return System.identityHashCode(this);
                }
                case "equals" -> {
                    return false;
                }
                case "toString" -> {
                    return "BatchEndpoint";
                }
                default -> throw new IllegalStateException("unexpected call " + method.getName());
            }
            return null;
        }

        @Override
        public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) {
            return createEndpoint(xaResource);
        }

        @Override
        public boolean isDeliveryTransacted(Method method) {
            return true;
        }

        @Override
        public String getActivationName() {
            return "batch";
        }

        @Override
        public Class<?> getEndpointClass() {
            return MqttBatchMessageListener.class;
        }
    }
}
