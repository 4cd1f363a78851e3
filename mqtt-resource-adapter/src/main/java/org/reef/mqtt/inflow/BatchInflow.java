package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The deliveries waiting for one batch-listener endpoint ({@link org.reef.mqtt.api.MqttBatchMessageListener}), from
 * all connections. At most {@code maxConcurrency} Works deliver at once; each takes whatever is waiting, up to
 * {@code maxBatchSize} messages, and hands them to the endpoint in one call and one transaction. Nothing waits to
 * fill a batch: a batch is as large as the backlog, so batching costs no latency under light load and saves commits
 * under heavy load.
 *
 * <p>A connection submits a <em>group</em>: the consecutive messages for this endpoint at the head of its queue, in
 * publish order, at most {@code maxBatchSize} of them ({@link ConnectionInflow}). A group is never split: a batch
 * takes whole groups in arrival order and stops at the first one that does not fit in the room left (it opens the
 * next batch), so a connection's messages in a batch are contiguous and in publish order, and a single busy publisher
 * gets up to {@code maxBatchSize} messages per transaction instead of one. The connection submits its next group only
 * after the last message of this one completed, so its groups never overtake each other.
 *
 * <p>Outcomes are reported message by message in batch order, so each group's in publish order. When a batch fails
 * (the listener threw, or the commit failed, for example on a deadlock between two batches), each of its messages is
 * delivered again on its own, one after the other in batch order, so the failure of one message is the failure of
 * that message only and each group keeps its order; a message that fails on its own is tried again twice before its
 * failure is reported.
 */
final class BatchInflow {

    private static final Logger LOG = Logger.getLogger(BatchInflow.class.getName());
    /** Deliveries of a message alone before its failure is reported. */
    static final int ATTEMPTS = 3;
    private static final long RETRY_PAUSE_MILLIS = 20;

    /** A message waiting for the endpoint and what to do with its outcome. */
    record Entry(MqttInboundMessage message, InflowDelivery.Completion completion) {
    }

    private final MqttActivation activation;
    private final WorkManager workManager;
    private final int maxConcurrency;
    private final int maxBatchSize;
    /** Groups waiting, each one connection's consecutive messages in publish order. Guarded by itself. */
    private final Queue<List<Entry>> groups = new ArrayDeque<>();
    private final AtomicInteger workers = new AtomicInteger();

    BatchInflow(MqttActivation activation, WorkManager workManager, int maxConcurrency, int maxBatchSize) {
        this.activation = activation;
        this.workManager = workManager;
        this.maxConcurrency = maxConcurrency;
        this.maxBatchSize = maxBatchSize;
    }

    /** The most messages in one batch, and so in one group. */
    int maxBatchSize() {
        return maxBatchSize;
    }

    /**
     * Queues one connection's consecutive messages, to be delivered together, in this order, in one batch; each
     * completion runs on a delivering thread once the batch committed or failed, in order.
     */
    void submit(List<Entry> group) {
        if (group.isEmpty()) {
            throw new IllegalArgumentException("an empty group");
        }
        List<Entry> copy = List.copyOf(group);
        synchronized (groups) {
            groups.add(copy);
        }
        startWorkerIfNeeded();
    }

    /** Messages waiting (for tests and diagnostics). */
    int waiting() {
        synchronized (groups) {
            return groups.stream().mapToInt(List::size).sum();
        }
    }

    private boolean hasWaiting() {
        synchronized (groups) {
            return !groups.isEmpty();
        }
    }

    private void startWorkerIfNeeded() {
        while (hasWaiting()) {
            int running = workers.get();
            if (running >= maxConcurrency) {
                return; // a running Work takes it
            }
            if (workers.compareAndSet(running, running + 1)) {
                try {
                    workManager.scheduleWork(new BatchWork());
                } catch (WorkException | RuntimeException e) {
                    workers.decrementAndGet();
                    LOG.log(Level.WARNING, "The WorkManager refused batch delivery: {0}", e.toString());
                    failWaiting(e);
                }
                return;
            }
        }
    }

    private void failWaiting(Exception cause) {
        if (workers.get() > 0) {
            return; // a running Work will take them
        }
        List<Entry> failed = new ArrayList<>();
        synchronized (groups) {
            List<Entry> group;
            while ((group = groups.poll()) != null) {
                failed.addAll(group);
            }
        }
        // Outside the lock: a completion may submit the connection's next group.
        failed.forEach(entry -> complete(entry, null, cause));
    }

    /**
     * The next batch: whole groups in arrival order while they fit in {@code maxBatchSize}; the first group is taken
     * whatever its size, so that a batch is never empty while groups wait.
     */
    private List<Entry> take() {
        List<Entry> batch = new ArrayList<>();
        synchronized (groups) {
            List<Entry> group;
            while ((group = groups.peek()) != null
                    && (batch.isEmpty() || batch.size() + group.size() <= maxBatchSize)) {
                groups.poll();
                batch.addAll(group);
            }
        }
        return batch;
    }

    private void deliver(List<Entry> batch) {
        List<MqttInboundMessage> messages = new ArrayList<>(batch.size());
        batch.forEach(entry -> messages.add(entry.message()));
        List<MqttAck> acks;
        try {
            acks = activation.deliverBatch(messages);
        } catch (Exception | Error e) {
            if (batch.size() == 1) {
                deliverAgain(batch.get(0), e);
                return;
            }
            LOG.log(Level.FINE, "A batch of {0} failed ({1}); delivering its messages one by one",
                    new Object[]{batch.size(), e.toString()});
            batch.forEach(entry -> deliver(List.of(entry)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), acks.get(i), null);
        }
    }

    /**
     * A message whose delivery on its own failed goes again, up to {@link #ATTEMPTS} times in all, after short pauses:
     * most failures of a message alone are passing (a deadlock with another batch, a connection the pool had to
     * replace), and an MQTT 3.1.1 client only sends a message without a PUBACK again when it reconnects. What fails
     * every time (the database refuses it, or is down) fails as before. Nothing was committed by a failed attempt (the
     * adapter checks the transaction's outcome), so trying again cannot store a message twice.
     */
    private void deliverAgain(Entry entry, Throwable firstFailure) {
        Throwable failure = firstFailure;
        for (int attempt = 2; attempt <= ATTEMPTS; attempt++) {
            if (activation.isDeactivated()) {
                break; // the application is stopping: no pause per queued message, fail it now (not acknowledged)
            }
            try {
                Thread.sleep(RETRY_PAUSE_MILLIS * (attempt - 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                MqttAck ack = activation.deliverBatch(List.of(entry.message())).get(0);
                complete(entry, ack, null);
                return;
            } catch (Exception | Error e) {
                failure = e;
            }
        }
        complete(entry, null, failure);
    }

    /** Reports one outcome; a completion that throws must not keep the rest of the batch from theirs. */
    private static void complete(Entry entry, MqttAck ack, Throwable failure) {
        try {
            entry.completion().completed(ack, failure);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Client {0}: reporting a batch delivery outcome failed: {1}",
                    new Object[]{entry.message().clientId(), e.toString()});
        }
    }

    private final class BatchWork implements RejectableWork {

        @Override
        public void run() {
            try {
                List<Entry> batch;
                while (!(batch = take()).isEmpty()) {
                    deliver(batch);
                }
            } finally {
                workers.decrementAndGet();
                startWorkerIfNeeded(); // a group queued while this Work was finishing
            }
        }

        @Override
        public void rejected(Exception cause) {
            workers.decrementAndGet();
            failWaiting(cause);
        }

        @Override
        public void release() {
            // Deliveries are short; there is nothing to interrupt.
        }
    }
}
