package org.reef.mqtt.testing;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WorkManager standing in for the container's in unit tests: over a small thread pool, or, when {@link #held()},
 * keeping scheduled work until the test runs it with {@link #runHeld()} (to observe what happens before delivery).
 */
public final class FakeWorkManager implements WorkManager, AutoCloseable {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicInteger scheduled = new AtomicInteger();
    private final Queue<Work> heldWork = new ConcurrentLinkedQueue<>();
    private final boolean holding;
    private volatile boolean rejecting;

    public FakeWorkManager() {
        this(false);
    }

    private FakeWorkManager(boolean holding) {
        this.holding = holding;
    }

    /** A WorkManager that runs nothing until {@link #runHeld()}. */
    public static FakeWorkManager held() {
        return new FakeWorkManager(true);
    }

    /** Runs the held work on the calling thread, including work scheduled meanwhile; returns how many ran. */
    public int runHeld() {
        int ran = 0;
        Work work;
        while ((work = heldWork.poll()) != null) {
            work.run();
            ran++;
        }
        return ran;
    }

    /** Makes every later scheduleWork fail, as a saturated container would. */
    public void rejectAll() {
        rejecting = true;
    }

    public int scheduledCount() {
        return scheduled.get();
    }

    @Override
    public void doWork(Work work) throws WorkException {
        check();
        work.run();
    }

    @Override
    public void doWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        doWork(work);
    }

    @Override
    public long startWork(Work work) throws WorkException {
        scheduleWork(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        return startWork(work);
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        check();
        scheduled.incrementAndGet();
        if (holding) {
            heldWork.add(work);
        } else {
            executor.execute(work);
        }
    }

    @Override
    public void scheduleWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        scheduleWork(work);
    }

    private void check() throws WorkRejectedException {
        if (rejecting) {
            throw new WorkRejectedException("rejected by the test");
        }
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
