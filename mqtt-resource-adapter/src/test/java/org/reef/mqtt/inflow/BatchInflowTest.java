package org.reef.mqtt.inflow;

import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttBatchMessageListener;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.testing.FakeEndpointFactory;
import org.reef.mqtt.testing.FakeTransactions;
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
    void eachConnectionsMessagesAreContiguousInABatchAndInPublishOrder() throws Exception {
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
        assertContiguousAndInPublishOrder(endpoints.batches, perConnection);
        assertTrue(connections.stream().allMatch(c -> c.pending() == 0));
        assertTrue(endpoints.batches.stream().anyMatch(batch -> batch.size() > batch.stream()
                        .map(MqttInboundMessage::clientId).distinct().count()),
                "a connection's queued messages shared a batch");
    }

    @Test
    void aSingleConnectionsQueuedMessagesGoInBatchesOfUpToMaxBatchSize() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        MqttActivation activation = activation(endpoints, 4, 32);
        ConnectionInflow connection = new ConnectionInflow(workManager, "c0");
        for (int i = 0; i < 50; i++) {
            connection.submit(delivery(activation, "c0", Integer.toString(i)));
        }
        assertEquals(50, connection.pending());
        workManager.runHeld();

        assertEquals(List.of(32, 18), endpoints.batchSizes());
        assertContiguousAndInPublishOrder(endpoints.batches, 50);
        assertEquals(numbers(0, 50), outcomePayloads("c0"), "outcomes in publish order");
        assertEquals(0, connection.pending());
    }

    @Test
    void aGroupIsNeverSplitAcrossBatches() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        MqttActivation activation = activation(endpoints, 1, 32);
        int[] queued = {10, 10, 20, 12};
        for (int c = 0; c < queued.length; c++) {
            ConnectionInflow connection = new ConnectionInflow(workManager, "c" + c);
            for (int i = 0; i < queued[c]; i++) {
                connection.submit(delivery(activation, "c" + c, Integer.toString(i)));
            }
        }
        workManager.runHeld();

        // c0 and c1 (20) leave no room for c2 (20), which opens the next batch with c3 (12).
        assertEquals(List.of(20, 32), endpoints.batchSizes());
        assertEquals(List.of(List.of("c0", "c1"), List.of("c2", "c3")), endpoints.batches.stream()
                .map(batch -> batch.stream().map(MqttInboundMessage::clientId).distinct().toList()).toList());
        assertContiguousAndInPublishOrder(endpoints.batches, -1);
        assertEquals(52, outcomes.size());
    }

    @Test
    void aGroupEndsAtADeliveryForAnotherEndpointWhichFollowsWhenTheGroupCompleted() throws Exception {
        workManager = FakeWorkManager.held();
        List<String> order = new CopyOnWriteArrayList<>();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> {
            order.add("batch" + messages.stream().map(BatchInflowTest::payload).toList());
            return accepted(messages.size());
        });
        MqttActivation batched = activation(endpoints, 4, 32);
        MqttActivationSpec plainSpec = new MqttActivationSpec();
        plainSpec.setTopicFilter("im/#");
        MqttActivation plain = new MqttActivation(new FakeEndpointFactory(m -> {
            order.add("single" + payload(m));
            return MqttAck.ACCEPTED;
        }), plainSpec);
        ConnectionInflow connection = new ConnectionInflow(workManager, "c0");
        for (int i = 0; i < 3; i++) {
            connection.submit(delivery(batched, "c0", Integer.toString(i)));
        }
        connection.submit(delivery(plain, "c0", "3"));
        connection.submit(delivery(batched, "c0", "4"));
        connection.submit(delivery(batched, "c0", "5"));
        workManager.runHeld();

        assertEquals(List.of("batch[0, 1, 2]", "single3", "batch[4, 5]"), order);
        assertEquals(numbers(0, 6), outcomePayloads("c0"));
        assertEquals(0, connection.pending());
    }

    @Test
    void aConnectionWithAGroupInABatchCountsEachMessagePendingUntilItsOutcome() throws Exception {
        workManager = FakeWorkManager.held();
        List<Integer> pendingSeen = new CopyOnWriteArrayList<>();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> accepted(messages.size()));
        MqttActivation activation = activation(endpoints, 1, 32);
        ConnectionInflow connection = new ConnectionInflow(workManager, "c0");
        for (int i = 0; i < 5; i++) {
            connection.submit(new InflowDelivery(message("c0", Integer.toString(i)), List.of(activation),
                    (ack, failure) -> pendingSeen.add(connection.pending())));
        }
        workManager.runHeld();

        assertEquals(List.of(5), endpoints.batchSizes());
        assertEquals(List.of(4, 3, 2, 1, 0), pendingSeen, "each outcome reported after its own message left");
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

        assertEquals(List.of(4, 1, 1, 1, 1, 1, 1), endpoints.batchSizes(), "the bad one alone, three times");
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
    void aFailedBatchWithGroupsIsRetriedOneByOneInEachConnectionsOrder() throws Exception {
        workManager = FakeWorkManager.held();
        List<String> singles = new CopyOnWriteArrayList<>();
        BatchEndpoints endpoints = new BatchEndpoints(messages -> {
            if (messages.size() > 1) {
                throw new IllegalStateException("deadlock detected");
            }
            MqttInboundMessage message = messages.get(0);
            singles.add(message.clientId() + ":" + payload(message));
            if (message.clientId().equals("c1") && payload(message).equals("2")) {
                throw new IllegalStateException("poison");
            }
            return accepted(1);
        });
        MqttActivation activation = activation(endpoints, 1, 32);
        for (int c = 0; c < 2; c++) {
            ConnectionInflow connection = new ConnectionInflow(workManager, "c" + c);
            for (int i = 0; i < 5; i++) {
                connection.submit(delivery(activation, "c" + c, Integer.toString(i)));
            }
        }
        workManager.runHeld();

        assertEquals(List.of(10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), endpoints.batchSizes());
        assertEquals(List.of("c0:0", "c0:1", "c0:2", "c0:3", "c0:4", "c1:0", "c1:1", "c1:2", "c1:2", "c1:2", "c1:3",
                "c1:4"), singles, "the poisoned message tried three times, in its place");
        assertEquals(numbers(0, 5), outcomePayloads("c0"));
        assertEquals(numbers(0, 5), outcomePayloads("c1"), "the poisoned message keeps its place");
        for (Outcome outcome : outcomes) {
            if (outcome.clientId().equals("c1") && outcome.payload().equals("2")) {
                assertNull(outcome.ack());
                assertEquals("poison", outcome.failure().getMessage());
            } else {
                assertEquals(MqttAck.ACCEPTED, outcome.ack(), outcome.clientId() + ":" + outcome.payload());
            }
        }
    }

    /** A deadlock or a replaced pool connection fails a message once: it goes again instead of staying unanswered. */
    @Test
    void aMessageThatFailsOnceOnItsOwnIsDeliveredAgainAndAcknowledged() throws Exception {
        workManager = FakeWorkManager.held();
        int[] calls = new int[1];
        BatchEndpoints endpoints = new BatchEndpoints(messages -> {
            if (calls[0]++ < 2) {
                throw new IllegalStateException("deadlock detected");
            }
            return accepted(messages.size());
        });
        MqttActivation activation = activation(endpoints, 1, 32);
        new ConnectionInflow(workManager, "c0").submit(delivery(activation, "c0", "m"));
        workManager.runHeld();

        Outcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
        assertNotNull(outcome);
        assertEquals(MqttAck.ACCEPTED, outcome.ack(), "acknowledged at the third attempt");
        assertEquals(List.of(1, 1, 1), endpoints.batchSizes());
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

    /**
     * In each batch, each connection's messages form one contiguous run; across batches they arrive in publish order
     * (payloads 0, 1, 2, ...), {@code perConnection} of them when not negative.
     */
    private static void assertContiguousAndInPublishOrder(List<List<MqttInboundMessage>> batches, int perConnection) {
        Map<String, Integer> last = new ConcurrentHashMap<>();
        for (List<MqttInboundMessage> batch : batches) {
            List<String> runs = new ArrayList<>();
            for (MqttInboundMessage message : batch) {
                if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(message.clientId())) {
                    runs.add(message.clientId());
                }
                int n = Integer.parseInt(payload(message));
                Integer previous = last.put(message.clientId(), n);
                assertEquals(previous == null ? 0 : previous + 1, n, message.clientId() + " in publish order");
            }
            assertEquals(runs.size(), runs.stream().distinct().count(),
                    "each connection's messages contiguous in the batch: " + runs);
        }
        if (perConnection >= 0) {
            last.forEach((client, n) -> assertEquals(perConnection - 1, n, client + " all delivered"));
        }
    }

    private List<String> outcomePayloads(String clientId) {
        return outcomes.stream().filter(o -> o.clientId().equals(clientId)).map(Outcome::payload).toList();
    }

    private static List<String> numbers(int from, int to) {
        List<String> numbers = new ArrayList<>();
        for (int i = from; i < to; i++) {
            numbers.add(Integer.toString(i));
        }
        return numbers;
    }

    private static String payload(MqttInboundMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    private static List<MqttAck> accepted(int count) {
        List<MqttAck> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(MqttAck.ACCEPTED);
        }
        return acks;
    }

    @Test
    void aBatchRolledBackWithoutAnExceptionAcknowledgesNothingAndIsRetriedMessageByMessage() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints[] self = new BatchEndpoints[1];
        // a refusal that wrongly marks the shared transaction, as an EJB application exception with rollback=true did
        BatchEndpoints endpoints = new BatchEndpoints(messages -> {
            boolean bad = messages.stream().anyMatch(m -> payload(m).startsWith("bad"));
            if (bad && messages.size() > 1) {
                self[0].transactions.setRollbackOnly();
            }
            return messages.stream().map(m -> payload(m).startsWith("bad") ? MqttAck.refused(0x83, "unknown user")
                    : MqttAck.ACCEPTED).toList();
        });
        self[0] = endpoints;
        MqttActivation activation = activation(endpoints, 1, 32);
        ConnectionInflow one = new ConnectionInflow(workManager, "c0");
        ConnectionInflow other = new ConnectionInflow(workManager, "c1");
        for (int i = 0; i < 6; i++) {
            one.submit(delivery(activation, "c0", (i % 2 == 0 ? "good" : "bad") + i));
            other.submit(delivery(activation, "c1", (i % 2 == 0 ? "bad" : "good") + i));
        }
        workManager.runHeld();

        List<String> committed = endpoints.committed.stream().map(BatchInflowTest::payload).toList();
        for (int i = 0; i < 12; i++) {
            Outcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
            assertNotNull(outcome, "outcome " + i);
            if (outcome.payload().startsWith("good")) {
                assertEquals(MqttAck.ACCEPTED, outcome.ack(), outcome.payload() + " is acknowledged");
                assertTrue(committed.contains(outcome.payload()), outcome.payload() + " acknowledged, not committed");
            } else {
                assertEquals(0x83, outcome.ack().reasonCode(), outcome.payload());
            }
        }
        assertEquals(12, endpoints.batchSizes().stream().skip(1).mapToInt(Integer::intValue).sum(),
                "after the silent rollback, each message went again on its own: " + endpoints.batchSizes());
    }

    @Test
    void aSingleMessageWhoseTransactionRolledBackSilentlyIsAFailureNotAnAcknowledgement() throws Exception {
        workManager = FakeWorkManager.held();
        BatchEndpoints[] self = new BatchEndpoints[1];
        BatchEndpoints endpoints = new BatchEndpoints(messages -> {
            self[0].transactions.setRollbackOnly();
            return accepted(messages.size());
        });
        self[0] = endpoints;
        MqttActivation activation = activation(endpoints, 1, 32);
        new ConnectionInflow(workManager, "c0").submit(delivery(activation, "c0", "m"));
        workManager.runHeld();

        Outcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
        assertNotNull(outcome);
        assertNull(outcome.ack(), "nothing committed, nothing acknowledged");
        assertNotNull(outcome.failure());
        assertTrue(endpoints.committed.isEmpty());
    }

    private MqttActivation activation(BatchEndpoints endpoints, int maxConcurrency, int maxBatchSize) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter("im/#");
        spec.setMaxConcurrency(maxConcurrency);
        spec.setMaxBatchSize(maxBatchSize);
        MqttActivation activation = new MqttActivation(endpoints, spec, endpoints.transactions);
        assertTrue(activation.isBatchListener());
        return activation;
    }

    private static MqttInboundMessage message(String clientId, String payload) {
        return new MqttInboundMessage(clientId, "user", "im/send", payload.getBytes(StandardCharsets.UTF_8), 1, false,
                Instant.now());
    }

    private InflowDelivery delivery(MqttActivation activation, String clientId, String payload) {
        return new InflowDelivery(message(clientId, payload), List.of(activation),
                (ack, failure) -> outcomes.add(new Outcome(clientId, payload, ack, failure)));
    }

    /** Endpoints implementing {@link MqttBatchMessageListener}, recording lifecycle calls and batches. */
    private static final class BatchEndpoints implements MessageEndpointFactory {

        final List<List<MqttInboundMessage>> batches = new CopyOnWriteArrayList<>();
        /** The messages of the batches whose transaction committed. */
        final List<MqttInboundMessage> committed = new CopyOnWriteArrayList<>();
        final FakeTransactions transactions = new FakeTransactions();
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
            List<MqttInboundMessage> delivered = new ArrayList<>();
            InvocationHandler handler = (proxy, method, args) -> invoke(method, args, size, delivered);
            return (MessageEndpoint) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{MessageEndpoint.class, MqttBatchMessageListener.class}, handler);
        }

        @SuppressWarnings("unchecked")
        private Object invoke(Method method, Object[] args, int[] size, List<MqttInboundMessage> delivered) {
            switch (method.getName()) {
                case "beforeDelivery" -> {
                    calls.add("before");
                    transactions.begin();
                }
                case "afterDelivery" -> {
                    calls.add("after");
                    if (size[0] > failCommitsOfBatchesLargerThan) {
                        transactions.setRollbackOnly();
                        transactions.end();
                        throw new IllegalStateException("deadlock detected");
                    }
                    // like WildFly: a transaction marked rollback-only is rolled back without an exception
                    if (transactions.end()) {
                        committed.addAll(delivered);
                    }
                }
                case "release" -> calls.add("release");
                case "onMessages" -> {
                    List<MqttInboundMessage> messages = List.copyOf((List<MqttInboundMessage>) args[0]);
                    calls.add("onMessages:" + messages.size());
                    batches.add(messages);
                    size[0] = messages.size();
                    delivered.addAll(messages);
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
