package org.reef.im.account;

import org.reef.im.error.ImError;
import org.reef.im.error.RetryLaterException;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, bounded pool for deliberately slow work (password hashing): a fixed number of threads and a fixed number
 * of tasks waiting for them. A task beyond that is refused at once ({@code server_busy}) instead of queueing behind
 * the others, so a flood of logins costs at most {@code threads} cores and never piles up waiting callers. The
 * caller waits for its own task only.
 */
final class HashingPool {

    private final ThreadPoolExecutor executor;

    HashingPool(int threads, int queue) {
        AtomicInteger count = new AtomicInteger();
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, waiting, task -> {
            Thread thread = new Thread(task, "reef-password-hashing-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
        executor.prestartAllCoreThreads(); // a SynchronousQueue hands over only to an idle thread
    }

    /** Runs the task on the pool and waits for it; refuses with {@code server_busy} when the pool is full. */
    <T> T call(Callable<T> task) {
        Future<T> future;
        try {
            future = executor.submit(task);
        } catch (RejectedExecutionException e) {
            throw busy();
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw busy();
        } catch (CancellationException e) {
            throw busy();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Tasks waiting for a thread. */
    int waiting() {
        return executor.getQueue().size();
    }

    void shutdown() {
        executor.shutdownNow();
    }

    private static RetryLaterException busy() {
        return new RetryLaterException(ImError.SERVER_BUSY, "too many logins at once; try again in a moment", 1);
    }
}
