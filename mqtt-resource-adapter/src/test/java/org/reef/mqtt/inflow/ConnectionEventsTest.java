package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttDeliveryReport;
import org.reef.mqtt.api.MqttSubscriptionRequest;
import org.reef.mqtt.testing.FakeConnectionListenerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Security review F6: connect, disconnect and delivery-report events are never dropped. While the adapter's queue
 * refuses them they wait, reports of one client merged into one, and reach the endpoint once it takes work again.
 */
@Timeout(30)
class ConnectionEventsTest {

    private final SwitchableWorkManager workManager = new SwitchableWorkManager();
    private final List<Object> received = new CopyOnWriteArrayList<>();
    private final ConnectionEvents events = new ConnectionEvents(workManager);

    @AfterEach
    void close() throws InterruptedException {
        events.close();
        workManager.close();
    }

    @Test
    void eventsRefusedByAFullQueueAreKeptMergedAndDeliveredLater() throws Exception {
        MqttActivationSpec spec = new MqttActivationSpec();
        events.add(new MqttActivation(new FakeConnectionListenerFactory(recorder()), spec));

        workManager.refusing = true;
        events.connected(event("c1", true));
        events.delivered(new MqttDeliveryReport("c1", "u", new long[]{1, 2}, new long[0], new long[0]));
        events.delivered(new MqttDeliveryReport("c1", "u", new long[]{3}, new long[]{9}, new long[0]));
        events.disconnected(event("c1", false));
        events.delivered(new MqttDeliveryReport("c2", "u", new long[]{7}, new long[0], new long[0]));
        workManager.refusing = false;

        awaitReceived(() -> acked("c1").size() == 3 && acked("c2").size() == 1 && count(MqttConnectionEvent.class) == 2);
        assertEquals(List.of(1L, 2L, 3L), acked("c1"));
        assertEquals(List.of(7L), acked("c2"));
        assertEquals(List.of(9L), dropped("c1"));
        // Both connection events arrive; like any two events they run as separate Work, in no guaranteed order.
        assertEquals(2, received.stream().filter(MqttConnectionEvent.class::isInstance).map(e -> ((MqttConnectionEvent) e)
                .graceful()).distinct().count());
    }

    private MqttConnectionListener recorder() {
        return new MqttConnectionListener() {
            @Override
            public MqttAuthentication authenticate(MqttConnectRequest request) {
                return MqttAuthentication.accepted(request.username());
            }

            @Override
            public MqttAck authorizeSubscription(MqttSubscriptionRequest request) {
                return MqttAck.ACCEPTED;
            }

            @Override
            public void connected(MqttConnectionEvent event) {
                received.add(event);
            }

            @Override
            public void disconnected(MqttConnectionEvent event) {
                received.add(event);
            }

            @Override
            public void delivered(MqttDeliveryReport report) {
                received.add(report);
            }
        };
    }

    /** A connected event is graceful here, a disconnect is not: enough to tell them apart. */
    private static MqttConnectionEvent event(String clientId, boolean connected) {
        return new MqttConnectionEvent(clientId, "u", 5, connected, "conn-" + clientId, true, false);
    }

    private List<Long> acked(String clientId) {
        return reports(clientId).flatMap(r -> LongStream.of(r.trackingIds()).boxed()).toList();
    }

    private List<Long> dropped(String clientId) {
        return reports(clientId).flatMap(r -> LongStream.of(r.droppedIds()).boxed()).toList();
    }

    private java.util.stream.Stream<MqttDeliveryReport> reports(String clientId) {
        return received.stream().filter(MqttDeliveryReport.class::isInstance).map(MqttDeliveryReport.class::cast)
                .filter(r -> r.clientId().equals(clientId));
    }

    private long count(Class<?> type) {
        return received.stream().filter(type::isInstance).count();
    }

    private void awaitReceived(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("events lost: received " + received);
            }
            Thread.sleep(20);
        }
    }

    /** A WorkManager over a small pool that refuses every Work while told to, as a full queue does. */
    private static final class SwitchableWorkManager implements WorkManager {
        private final ExecutorService executor = Executors.newFixedThreadPool(2);
        volatile boolean refusing;

        @Override
        public void scheduleWork(Work work) throws WorkRejectedException {
            if (refusing) {
                throw new WorkRejectedException("queue full");
            }
            executor.execute(work);
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

        void close() throws InterruptedException {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
