package org.reef.mqtt.inflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

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

    /** Security review F6: a flood of one kind of work fills its own queue only. */
    @Test
    void aFullLaneRefusesOnlyItsOwnKindOfWork() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WorkDispatcher dispatcher = new WorkDispatcher(new BlockingContainer(release), 3);
        try {
            boolean refused = false;
            for (int i = 0; i < 10 && !refused; i++) {
                try {
                    dispatcher.scheduleWork(laned(WorkLane.SUBSCRIPTION_CHECK));
                } catch (WorkRejectedException e) {
                    refused = true;
                }
            }
            assertTrue(refused, "the subscription-check queue filled up");
            dispatcher.scheduleWork(laned(WorkLane.LOGIN));
            dispatcher.scheduleWork(laned(WorkLane.EVENTS));
            dispatcher.scheduleWork(work(() -> { }));
        } finally {
            release.countDown();
            dispatcher.stop();
        }
    }

    /** A burst of connection events takes at most its lane's limit of container threads; the rest wait their turn. */
    @Test
    void aLaneWithALimitRunsAtMostThatManyAtOnceAndTheRestInTurn() throws Exception {
        try (FakeWorkManager container = new FakeWorkManager()) { // four threads
            WorkDispatcher dispatcher = new WorkDispatcher(container, Map.of(WorkLane.LOGIN, 10,
                    WorkLane.SUBSCRIPTION_CHECK, 10, WorkLane.INFLOW, 10, WorkLane.EVENTS, 10),
                    Map.of(WorkLane.EVENTS, 2));
            try {
                java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
                java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
                CountDownLatch done = new CountDownLatch(8);
                for (int i = 0; i < 8; i++) {
                    dispatcher.scheduleWork(laned(WorkLane.EVENTS, () -> {
                        most.accumulateAndGet(now.incrementAndGet(), Math::max);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        now.decrementAndGet();
                        done.countDown();
                    }));
                }
                CountDownLatch login = new CountDownLatch(1);
                dispatcher.scheduleWork(laned(WorkLane.LOGIN, login::countDown));
                assertTrue(login.await(5, TimeUnit.SECONDS), "another lane is not held up");
                assertTrue(done.await(10, TimeUnit.SECONDS), "every event ran");
                assertEquals(2, most.get(), "at most the lane's limit at once, with container threads to spare");
            } finally {
                dispatcher.stop();
            }
        }
    }

    private static Work laned(WorkLane lane, Runnable body) {
        return new LanedWork() {
            @Override
            public WorkLane lane() {
                return lane;
            }

            @Override
            public void run() {
                body.run();
            }

            @Override
            public void release() {
            }
        };
    }

    private static Work laned(WorkLane lane) {
        return new LanedWork() {
            @Override
            public WorkLane lane() {
                return lane;
            }

            @Override
            public void run() {
            }

            @Override
            public void release() {
            }
        };
    }

    @Test
    void aFullContainerPoolIsRetriedAndAWorkItNeverTakesIsTold() throws Exception {
        RejectingContainer container = new RejectingContainer(3);
        WorkDispatcher dispatcher = new WorkDispatcher(container, 10, 300);
        try {
            CountDownLatch ran = new CountDownLatch(1);
            dispatcher.scheduleWork(work(ran::countDown));
            assertTrue(ran.await(5, TimeUnit.SECONDS), "taken after three refusals");

            container.refuseAlways();
            CountDownLatch told = new CountDownLatch(1);
            dispatcher.scheduleWork(new RejectableWork() {
                @Override
                public void rejected(Exception cause) {
                    told.countDown();
                }

                @Override
                public void run() {
                }

                @Override
                public void release() {
                }
            });
            assertTrue(told.await(5, TimeUnit.SECONDS), "the refused work learned it will never run");
        } finally {
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

    /** A container that refuses a number of times (or always), as WildFly's full JCA pool does. */
    private static final class RejectingContainer implements WorkManager {
        private final java.util.concurrent.atomic.AtomicInteger refusals;

        RejectingContainer(int refusals) {
            this.refusals = new java.util.concurrent.atomic.AtomicInteger(refusals);
        }

        void refuseAlways() {
            refusals.set(Integer.MAX_VALUE);
        }

        @Override
        public void scheduleWork(Work work) throws WorkRejectedException {
            if (refusals.getAndDecrement() > 0) {
                throw new WorkRejectedException("pool full");
            }
            work.run();
        }

        @Override
        public void scheduleWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
                throws WorkRejectedException {
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
        public long startWork(Work work) throws WorkRejectedException {
            scheduleWork(work);
            return 0;
        }

        @Override
        public long startWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
                throws WorkRejectedException {
            return startWork(work);
        }
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
