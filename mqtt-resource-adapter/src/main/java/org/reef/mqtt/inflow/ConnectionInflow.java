package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.logging.LogSafe;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The inbound deliveries of one connection, handed to the container in the order the client published them.
 *
 * <p>At most one {@link Work} per connection runs at a time and drains the queue in order, so a client's messages
 * reach the endpoints in publish order (MQTT 3.1.1 section 4.6) while different connections are delivered in
 * parallel on the WorkManager's threads. Each endpoint admits at most its {@code maxConcurrency} deliveries at once:
 * a connection whose next message finds no free slot parks (no thread waits) and is resumed when one frees. The
 * Netty event loop only enqueues; it never waits for the container. The queue length is reported back to the
 * caller, which stops reading from the connection when it reaches the bound.
 *
 * <p>A message for a batch listener alone goes to that endpoint's {@link BatchInflow} instead, without holding a
 * thread while it waits, together with the messages queued behind it for that same endpoint alone: the drain hands
 * over all such consecutive messages at the head of the queue, up to the endpoint's {@code maxBatchSize}, as one
 * ordered group, which a batch never splits. A single client publishing flat out thus gets many messages into each
 * transaction, not one per transaction. Each message of the group counts as pending until its own outcome is
 * reported; the connection's next message (the next group, or a delivery of another kind) follows when the group's
 * last message completed.
 */
public final class ConnectionInflow {

    private static final Logger LOG = Logger.getLogger(ConnectionInflow.class.getName());

    /** Deliveries one Work makes before yielding its thread to other connections. */
    private static final int BATCH = 64;

    private final WorkManager workManager;
    private final String clientId;
    private final Queue<InflowDelivery> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public ConnectionInflow(WorkManager workManager, String clientId) {
        this.workManager = workManager;
        this.clientId = clientId;
    }

    /**
     * Queues a delivery and makes sure a Work drains the queue.
     *
     * @return the number of deliveries now pending (queued or being delivered) for this connection
     */
    public int submit(InflowDelivery delivery) {
        queue.add(delivery);
        int now = pending.incrementAndGet();
        scheduleIfIdle();
        return now;
    }

    /** Deliveries queued or in progress. */
    public int pending() {
        return pending.get();
    }

    private void scheduleIfIdle() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            workManager.scheduleWork(new DrainWork());
        } catch (WorkException | RuntimeException e) {
            scheduled.set(false);
            LOG.log(Level.WARNING, "Client {0}: the WorkManager refused inbound delivery: {1}",
                    new Object[]{LogSafe.text(clientId), e.toString()});
            failAll(e);
        }
    }

    private void failAll(Exception cause) {
        InflowDelivery delivery;
        while ((delivery = queue.poll()) != null) {
            pending.decrementAndGet();
            delivery.completion().completed(null, cause);
        }
    }

    private void deliver(InflowDelivery delivery) {
        MqttAck verdict = MqttAck.ACCEPTED;
        Throwable failure = null;
        try {
            for (MqttActivation activation : delivery.activations()) {
                MqttAck ack = activation.deliver(delivery.message());
                if (verdict.accepted() && !ack.accepted()) {
                    verdict = ack;
                }
            }
        } catch (Exception | Error e) {
            failure = e;
        }
        pending.decrementAndGet();
        delivery.completion().completed(failure == null ? verdict : null, failure);
    }

    /** Whether a delivery goes to a single batch-listener endpoint, through its {@link BatchInflow}. */
    private static boolean isBatched(InflowDelivery delivery) {
        return delivery.activations().size() == 1 && delivery.activations().get(0).isBatchListener();
    }

    /** Whether a delivery goes to {@code activation} alone (which is a batch listener). */
    private static boolean isBatchedTo(InflowDelivery delivery, MqttActivation activation) {
        return delivery.activations().size() == 1 && delivery.activations().get(0) == activation;
    }

    /**
     * Hands {@code first} (already taken from the queue) and the deliveries queued right behind it for the same
     * endpoint alone, up to its {@code maxBatchSize}, to that endpoint's batches as one group. While the group is
     * there the scheduled flag stays set, so nothing else takes from this connection's queue; the completion of its
     * last message hands on what follows.
     */
    private void submitToBatch(InflowDelivery first) {
        MqttActivation activation = first.activations().get(0);
        BatchInflow batches = activation.batches(workManager);
        List<InflowDelivery> taken = new ArrayList<>();
        taken.add(first);
        InflowDelivery next;
        while (taken.size() < batches.maxBatchSize() && (next = queue.peek()) != null
                && isBatchedTo(next, activation)) {
            taken.add(queue.poll()); // this drain is the queue's only consumer: poll returns what peek saw
        }
        List<BatchInflow.Entry> group = new ArrayList<>(taken.size());
        for (int i = 0; i < taken.size(); i++) {
            InflowDelivery delivery = taken.get(i);
            boolean last = i == taken.size() - 1;
            group.add(new BatchInflow.Entry(delivery.message(), (ack, failure) -> {
                pending.decrementAndGet();
                try {
                    delivery.completion().completed(ack, failure);
                } finally {
                    if (last) {
                        continueAfterBatch();
                    }
                }
            }));
        }
        batches.submit(group);
    }

    private void continueAfterBatch() {
        InflowDelivery next = queue.peek();
        if (next != null && isBatched(next)) {
            queue.poll();
            submitToBatch(next);
        } else if (next != null) {
            resumeDrain();
        } else {
            scheduled.set(false);
            if (!queue.isEmpty()) {
                scheduleIfIdle();
            }
        }
    }

    /** Schedules the drain again after a parked connection got a slot (the scheduled flag is still set). */
    private void resumeDrain() {
        try {
            workManager.scheduleWork(new DrainWork());
        } catch (WorkException | RuntimeException e) {
            InflowDelivery parked = queue.peek();
            scheduled.set(false);
            failAll(e);
            if (parked != null) {
                // This connection will not use the slot it was woken for: hand the wake-up on.
                parked.activations().forEach(MqttActivation::wakeNext);
            }
        }
    }

    /** Takes a slot of every endpoint, or none; parks on the first busy one and returns false. */
    private boolean acquire(List<MqttActivation> activations) {
        for (int i = 0; i < activations.size(); i++) {
            MqttActivation activation = activations.get(i);
            if (!activation.tryAcquire()) {
                for (int j = 0; j < i; j++) {
                    activations.get(j).release();
                }
                if (activation.await(this::resumeDrain)) {
                    return false;
                }
                return acquire(activations);
            }
        }
        return true;
    }

    private final class DrainWork implements RejectableWork {

        /** Never going to run: fail what waits, so the connection is acknowledged negatively and reads again. */
        @Override
        public void rejected(Exception cause) {
            InflowDelivery parked = queue.peek();
            scheduled.set(false);
            failAll(cause);
            if (parked != null) {
                parked.activations().forEach(MqttActivation::wakeNext);
            }
        }

        @Override
        public void run() {
            for (int i = 0; i < BATCH; i++) {
                InflowDelivery next = queue.peek();
                if (next == null) {
                    break;
                }
                if (isBatched(next)) {
                    queue.poll();
                    submitToBatch(next);
                    return; // the drain goes on when the group completed; the scheduled flag stays set
                }
                if (!acquire(next.activations())) {
                    return; // parked: resumeDrain continues when a slot frees
                }
                queue.poll();
                try {
                    deliver(next);
                } finally {
                    next.activations().forEach(MqttActivation::release);
                }
            }
            scheduled.set(false);
            if (!queue.isEmpty()) {
                scheduleIfIdle();
            }
        }

        @Override
        public void release() {
            // Deliveries are short; there is nothing to interrupt.
        }
    }
}
