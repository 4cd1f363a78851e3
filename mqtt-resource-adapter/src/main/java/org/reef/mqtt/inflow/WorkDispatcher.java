package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands Work to the container's WorkManager without ever blocking the caller. The container's {@code scheduleWork}
 * blocks while its thread pool and queue are full (WildFly's default JCA pool does), and the callers here are Netty
 * event loops, which must never wait: so scheduling only puts the Work on a bounded queue of the adapter's own, and
 * a dispatcher thread passes it on, waiting for the container when it must. A full queue refuses at once, which
 * the callers treat as back-pressure (no acknowledgement, CONNACK "server unavailable").
 *
 * <p>Each {@link WorkLane} has its own queue, capacity and dispatcher thread (security review F6): a flood of
 * subscription checks or inbound messages fills only its own queue, and a container pool that makes one lane wait
 * does not hold up the others' hand-over. Work that is no {@link LanedWork} is inflow.
 */
public final class WorkDispatcher implements WorkManager {

    private static final Logger LOG = Logger.getLogger(WorkDispatcher.class.getName());
    /** How long the dispatcher keeps offering one Work to a full container pool. */
    private static final long RETRY_MILLIS = 10_000;

    private final WorkManager container;
    private final Map<WorkLane, BlockingQueue<Work>> queues = new EnumMap<>(WorkLane.class);
    /** Work of a lane running in the container at most at once (absent: no limit of the dispatcher's). */
    private final Map<WorkLane, Semaphore> running = new EnumMap<>(WorkLane.class);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean active = true;

    private final long retryMillis;

    /** A dispatcher whose every lane holds up to {@code capacity} Work. */
    public WorkDispatcher(WorkManager container, int capacity) {
        this(container, sameForAll(capacity), RETRY_MILLIS);
    }

    /** A dispatcher with a capacity per lane; every lane must have one. */
    public WorkDispatcher(WorkManager container, Map<WorkLane, Integer> capacities) {
        this(container, capacities, RETRY_MILLIS);
    }

    WorkDispatcher(WorkManager container, int capacity, long retryMillis) {
        this(container, sameForAll(capacity), retryMillis);
    }

    /**
     * A dispatcher with a capacity per lane, and for some lanes a limit on their Work running at once: beyond it the
     * lane's Work waits in its queue (and a full queue refuses), instead of taking more of the container's threads.
     * The application's work for connection events and logins takes a database connection each: unbounded, a burst
     * of hundreds of disconnecting and reconnecting devices took every connection of the pool, and everything else
     * that needed one (logins over HTTP, message inflow) waited for it and failed.
     */
    public WorkDispatcher(WorkManager container, Map<WorkLane, Integer> capacities, Map<WorkLane, Integer> limits) {
        this(container, capacities, limits, RETRY_MILLIS);
    }

    private WorkDispatcher(WorkManager container, Map<WorkLane, Integer> capacities, long retryMillis) {
        this(container, capacities, Map.of(), retryMillis);
    }

    WorkDispatcher(WorkManager container, Map<WorkLane, Integer> capacities, Map<WorkLane, Integer> limits,
                   long retryMillis) {
        limits.forEach((lane, limit) -> {
            if (limit == null || limit < 1) {
                throw new IllegalArgumentException("concurrency limit of " + lane + " must be at least 1: " + limit);
            }
            running.put(lane, new Semaphore(limit));
        });
        this.retryMillis = retryMillis;
        this.container = container;
        for (WorkLane lane : WorkLane.values()) {
            Integer capacity = capacities.get(lane);
            if (capacity == null || capacity < 1) {
                throw new IllegalArgumentException("work queue capacity of " + lane + " must be at least 1: "
                        + capacity);
            }
            BlockingQueue<Work> queue = new LinkedBlockingQueue<>(capacity);
            queues.put(lane, queue);
            Thread thread = new Thread(() -> dispatch(lane, queue),
                    "reef-mqtt-dispatch-" + lane.name().toLowerCase(java.util.Locale.ROOT));
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private static Map<WorkLane, Integer> sameForAll(int capacity) {
        Map<WorkLane, Integer> capacities = new EnumMap<>(WorkLane.class);
        for (WorkLane lane : WorkLane.values()) {
            capacities.put(lane, capacity);
        }
        return capacities;
    }

    private void dispatch(WorkLane lane, BlockingQueue<Work> queue) {
        while (active) {
            Work work;
            try {
                work = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (work == null) {
                continue;
            }
            Semaphore limit = running.get(lane);
            if (limit == null) {
                hand(work);
                continue;
            }
            try {
                limit.acquire(); // the lane is at its limit: its Work waits here, in order
            } catch (InterruptedException e) {
                refuse(work, e);
                return;
            }
            if (!hand(new Limited(work, limit))) {
                limit.release();
            }
        }
    }

    /** A Work that gives its lane's place back when it has run. */
    private record Limited(Work work, Semaphore limit) implements Work {
        @Override
        public void run() {
            try {
                work.run();
            } finally {
                limit.release();
            }
        }

        @Override
        public void release() {
            work.release();
        }
    }

    /**
     * Passes one Work to the container. A full container pool refuses (WildFly's default JCA pool rejects when its
     * queue is full): the dispatcher, which may wait, retries for a while before it gives the Work up and tells it.
     */
    private boolean hand(Work work) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
        long pause = 1;
        while (true) {
            try {
                container.scheduleWork(work);
                return true;
            } catch (WorkException | RuntimeException e) {
                if (!active || System.nanoTime() > deadline) {
                    LOG.log(Level.WARNING, "The WorkManager refused work: {0}", e.toString());
                    refuse(work, e);
                    return false;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pause);
            } catch (InterruptedException e) {
                refuse(work, e);
                return false;
            }
            pause = Math.min(pause * 2, 100);
        }
    }

    private static void refuse(Work work, Exception cause) {
        if (work instanceof Limited limited) {
            work = limited.work();
        }
        if (work instanceof RejectableWork rejectable) {
            rejectable.rejected(cause);
        }
        work.release();
    }

    /** Stops the dispatcher threads, waiting for them with a bound; Work still queued is released. */
    public void stop() {
        active = false;
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (BlockingQueue<Work> queue : queues.values()) {
            Work left;
            while ((left = queue.poll()) != null) {
                refuse(left, new WorkRejectedException("the adapter is stopping"));
            }
        }
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        WorkLane lane = work instanceof LanedWork laned ? laned.lane() : WorkLane.INFLOW;
        if (!active || !queues.get(lane).offer(work)) {
            throw new WorkRejectedException("the adapter's " + lane + " work queue is full");
        }
    }

    @Override
    public void scheduleWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        scheduleWork(work);
    }

    @Override
    public void doWork(Work work) throws WorkException {
        container.doWork(work);
    }

    @Override
    public void doWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        container.doWork(work, startTimeout, context, listener);
    }

    @Override
    public long startWork(Work work) throws WorkException {
        return container.startWork(work);
    }

    @Override
    public long startWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        return container.startWork(work, startTimeout, context, listener);
    }
}
