package org.reef.im.account;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.im.error.ImError;
import org.reef.im.error.RetryLaterException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashingPoolTest {

    private final HashingPool pool = new HashingPool(1, 1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdown();
    }

    @Test
    void runsTheTaskAndGivesItsResult() {
        assertEquals("hashed", pool.call(() -> "hashed"));
    }

    @Test
    void refusesAtOnceWithServerBusyWhenTheThreadsAndTheQueueAreTaken() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> pool.call(() -> {
            running.countDown();
            release.await();
            return "first";
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> pool.call(() -> "second"));
        awaitQueued();

        RetryLaterException busy = assertThrows(RetryLaterException.class, () -> pool.call(() -> "third"));
        assertEquals(ImError.SERVER_BUSY, busy.error());
        assertTrue(busy.retryAfterSeconds() >= 1);

        release.countDown();
        assertEquals("first", first.get(10, TimeUnit.SECONDS));
        assertEquals("second", second.get(10, TimeUnit.SECONDS));
        assertEquals("fourth", pool.call(() -> "fourth"), "free again once the work is done");
    }

    @Test
    void aFailingTaskFailsItsCallerOnly() {
        assertThrows(IllegalArgumentException.class, () -> pool.call(() -> {
            throw new IllegalArgumentException("bad hash");
        }));
        assertEquals("next", pool.call(() -> "next"));
    }

    /** Waits (bounded) until the second task sits in the queue. */
    private void awaitQueued() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.waiting() < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the second task never queued");
            }
            Thread.sleep(5);
        }
    }
}
