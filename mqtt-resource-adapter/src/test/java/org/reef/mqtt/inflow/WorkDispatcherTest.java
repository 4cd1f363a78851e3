package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.testing.FakeWorkManager;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher never blocks its caller: work goes through a bounded queue; a full queue refuses at once. */
class WorkDispatcherTest {

    @Test
    void workReachesTheContainerAndAStoppedDispatcherRefuses() throws Exception {
        try (FakeWorkManager container = new FakeWorkManager()) {
            WorkDispatcher dispatcher = new WorkDispatcher(container, 2);
            try {
                CountDownLatch ran = new CountDownLatch(1);
                dispatcher.scheduleWork(work(ran::countDown));
                assertTrue(ran.await(5, TimeUnit.SECONDS), "the work ran in the container");
            } finally {
                dispatcher.stop();
            }
            assertThrows(WorkRejectedException.class, () -> dispatcher.scheduleWork(work(() -> { })));
        }
    }

    @Test
    void aBlockedContainerDoesNotBlockTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WorkDispatcher dispatcher = new WorkDispatcher(new BlockingContainer(release), 3);
        try {
            long start = System.nanoTime();
            boolean refused = false;
            for (int i = 0; i < 10 && !refused; i++) {
                try {
                    dispatcher.scheduleWork(work(() -> { }));
                } catch (WorkRejectedException e) {
                    refused = true;
                }
            }
            assertTrue(refused, "the bounded queue filled up and refused");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "the caller never waited");
        } finally {
            release.countDown();
            dispatcher.stop();
        }
    }

    private static Work work(Runnable body) {
        return new Work() {
            @Override
            public void run() {
                body.run();
            }

            @Override
            public void release() {
            }
        };
    }

    /** A container whose scheduleWork blocks until released, as a saturated WildFly pool does. */
    private record BlockingContainer(CountDownLatch release) implements WorkManager {

        @Override
        public void scheduleWork(Work work) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void scheduleWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener) {
            scheduleWork(work);
        }

        @Override
        public void doWork(Work work) {
            work.run();
        }

        @Override
        public void doWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener) {
            work.run();
        }

        @Override
        public long startWork(Work work) {
            scheduleWork(work);
            return 0;
        }

        @Override
        public long startWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener) {
            return startWork(work);
        }
    }
}
