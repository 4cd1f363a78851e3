package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands Work to the container's WorkManager without ever blocking the caller. The container's {@code scheduleWork}
 * blocks while its thread pool and queue are full (WildFly's default JCA pool does), and the callers here are Netty
 * event loops, which must never wait: so scheduling only puts the Work on a bounded queue of the adapter's own, and
 * one dispatcher thread passes it on, waiting for the container when it must. A full queue refuses at once, which
 * the callers treat as back-pressure (no acknowledgement, CONNACK "server unavailable").
 */
public final class WorkDispatcher implements WorkManager {

    private static final Logger LOG = Logger.getLogger(WorkDispatcher.class.getName());
    /** How long the dispatcher keeps offering one Work to a full container pool. */
    private static final long RETRY_MILLIS = 10_000;

    private final WorkManager container;
    private final BlockingQueue<Work> queue;
    private final Thread thread;
    private volatile boolean running = true;

    private final long retryMillis;

    public WorkDispatcher(WorkManager container, int capacity) {
        this(container, capacity, RETRY_MILLIS);
    }

    WorkDispatcher(WorkManager container, int capacity, long retryMillis) {
        this.retryMillis = retryMillis;
        this.container = container;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.thread = new Thread(this::dispatch, "reef-mqtt-dispatch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void dispatch() {
        while (running) {
            Work work;
            try {
                work = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (work == null) {
                continue;
            }
            hand(work);
        }
    }

    /**
     * Passes one Work to the container. A full container pool refuses (WildFly's default JCA pool rejects when its
     * queue is full): the dispatcher, which may wait, retries for a while before it gives the Work up and tells it.
     */
    private void hand(Work work) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
        long pause = 1;
        while (true) {
            try {
                container.scheduleWork(work);
                return;
            } catch (WorkException | RuntimeException e) {
                if (!running || System.nanoTime() > deadline) {
                    LOG.log(Level.WARNING, "The WorkManager refused work: {0}", e.toString());
                    refuse(work, e);
                    return;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pause);
            } catch (InterruptedException e) {
                refuse(work, e);
                return;
            }
            pause = Math.min(pause * 2, 100);
        }
    }

    private static void refuse(Work work, Exception cause) {
        if (work instanceof RejectableWork rejectable) {
            rejectable.rejected(cause);
        }
        work.release();
    }

    /** Stops the dispatcher thread, waiting for it with a bound; Work still queued is released. */
    public void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Work left;
        while ((left = queue.poll()) != null) {
            refuse(left, new WorkRejectedException("the adapter is stopping"));
        }
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        if (!running || !queue.offer(work)) {
            throw new WorkRejectedException("the adapter's work queue is full");
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
