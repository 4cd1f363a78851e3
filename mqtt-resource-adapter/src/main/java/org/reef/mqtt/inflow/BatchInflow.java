package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * <p>Each connection submits its next message only after the previous one completed ({@link ConnectionInflow}), so a
 * batch never holds two messages of one connection and their order is kept. When a batch fails (the listener threw,
 * or the commit failed, for example on a deadlock between two batches), each of its messages is delivered again on
 * its own, so the failure of one message is the failure of that message only.
 */
final class BatchInflow {

    private static final Logger LOG = Logger.getLogger(BatchInflow.class.getName());

    /** A message waiting for the endpoint and what to do with its outcome. */
    record Entry(MqttInboundMessage message, InflowDelivery.Completion completion) {
    }

    private final MqttActivation activation;
    private final WorkManager workManager;
    private final int maxConcurrency;
    private final int maxBatchSize;
    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger workers = new AtomicInteger();

    BatchInflow(MqttActivation activation, WorkManager workManager, int maxConcurrency, int maxBatchSize) {
        this.activation = activation;
        this.workManager = workManager;
        this.maxConcurrency = maxConcurrency;
        this.maxBatchSize = maxBatchSize;
    }

    /** Queues a message; its completion runs on a delivering thread once the batch committed or failed. */
    void submit(MqttInboundMessage message, InflowDelivery.Completion completion) {
        queue.add(new Entry(message, completion));
        startWorkerIfNeeded();
    }

    /** Messages waiting (for tests and diagnostics). */
    int waiting() {
        return queue.size();
    }

    private void startWorkerIfNeeded() {
        while (!queue.isEmpty()) {
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
        Entry entry;
        while ((entry = queue.poll()) != null) {
            entry.completion().completed(null, cause);
        }
    }

    private List<Entry> take() {
        List<Entry> batch = new ArrayList<>(Math.min(maxBatchSize, 16));
        Entry entry;
        while (batch.size() < maxBatchSize && (entry = queue.poll()) != null) {
            batch.add(entry);
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
                batch.get(0).completion().completed(null, e);
                return;
            }
            LOG.log(Level.FINE, "A batch of {0} failed ({1}); delivering its messages one by one",
                    new Object[]{batch.size(), e.toString()});
            batch.forEach(entry -> deliver(List.of(entry)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).completion().completed(acks.get(i), null);
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
                startWorkerIfNeeded(); // a message queued while this Work was finishing
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
