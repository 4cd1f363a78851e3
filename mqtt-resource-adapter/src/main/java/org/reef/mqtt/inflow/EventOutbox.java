package org.reef.mqtt.inflow;

import org.reef.mqtt.api.MqttDeliveryReport;
import org.reef.mqtt.logging.LogSafe;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connection events and delivery reports the adapter's queue refused, kept per client until it takes them (security
 * review F6: a lost {@code disconnected} leaves presence wrong, a lost delivery report stalls the application's inbox
 * window for good). Consecutive reports of one client to one endpoint are merged into one, so what waits grows with
 * the number of clients and their reconnections, not with the traffic.
 *
 * <p>A retry runs on a timer with growing pauses (up to one second) while anything waits; its thread exists only
 * then. A client with events waiting has its new events queued behind them, so they stay in order. Thread-safe.
 */
final class EventOutbox {

    private static final Logger LOG = Logger.getLogger(EventOutbox.class.getName());
    private static final long FIRST_PAUSE_MILLIS = 50;
    private static final long LONGEST_PAUSE_MILLIS = 1000;

    /** One event for one endpoint: {@code method} of {@link org.reef.mqtt.api.MqttConnectionListener}. */
    record Pending(String clientId, MqttActivation listener, Method method, Object event) {
    }

    private final Map<String, Deque<Pending>> byClient = new LinkedHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private final Predicate<Pending> send;
    private boolean retryScheduled;
    private long pause = FIRST_PAUSE_MILLIS;
    private boolean closed;

    /**
     * @param send tries to hand one event to the container; false if it was refused (it is then kept)
     */
    EventOutbox(Predicate<Pending> send) {
        this.send = send;
        this.timer = new ScheduledThreadPoolExecutor(0, runnable -> {
            Thread thread = new Thread(runnable, "reef-mqtt-event-retry");
            thread.setDaemon(true);
            return thread;
        });
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
    }

    /** Whether events of this client wait, so that a new one must queue behind them. */
    synchronized boolean holds(String clientId) {
        return byClient.containsKey(clientId);
    }

    /** Keeps an event the container refused (or that must follow kept ones), and makes sure a retry comes. */
    synchronized void keep(Pending pending) {
        if (closed) {
            LOG.log(Level.WARNING, "Client {0}: {1} event lost: the adapter is stopping",
                    new Object[]{LogSafe.text(pending.clientId()), pending.method().getName()});
            return;
        }
        Deque<Pending> queue = byClient.computeIfAbsent(pending.clientId(), id -> new ArrayDeque<>(2));
        Pending last = queue.peekLast();
        if (last != null && last.listener() == pending.listener()
                && last.event() instanceof MqttDeliveryReport previous
                && pending.event() instanceof MqttDeliveryReport next) {
            queue.pollLast();
            queue.addLast(new Pending(pending.clientId(), pending.listener(), pending.method(),
                    merge(previous, next)));
        } else {
            queue.addLast(pending);
        }
        if (!retryScheduled) {
            retryScheduled = true;
            timer.schedule(this::retry, pause, TimeUnit.MILLISECONDS);
        }
    }

    /** Clients with events waiting. */
    synchronized int size() {
        return byClient.size();
    }

    /** Gives up what waits (the adapter stops); later events are logged as lost. */
    void close() {
        synchronized (this) {
            closed = true;
            if (!byClient.isEmpty()) {
                LOG.log(Level.WARNING, "Connection events of {0} clients not delivered: the adapter is stopping",
                        byClient.size());
            }
            byClient.clear();
        }
        timer.shutdownNow();
    }

    private void retry() {
        List<String> clients;
        synchronized (this) {
            retryScheduled = false;
            clients = List.copyOf(byClient.keySet());
        }
        boolean refused = false;
        for (String clientId : clients) {
            while (!refused) {
                Pending next;
                synchronized (this) {
                    Deque<Pending> queue = byClient.get(clientId);
                    next = queue == null ? null : queue.peekFirst();
                    if (next == null) {
                        byClient.remove(clientId);
                        break;
                    }
                }
                if (!send.test(next)) {
                    refused = true; // still full: try again later, the rest in order behind it
                    break;
                }
                synchronized (this) {
                    Deque<Pending> queue = byClient.get(clientId);
                    if (queue != null && queue.peekFirst() == next) {
                        queue.pollFirst();
                    }
                }
            }
        }
        synchronized (this) {
            pause = refused ? Math.min(pause * 2, LONGEST_PAUSE_MILLIS) : FIRST_PAUSE_MILLIS;
            if (!byClient.isEmpty() && !retryScheduled && !closed) {
                retryScheduled = true;
                timer.schedule(this::retry, pause, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static MqttDeliveryReport merge(MqttDeliveryReport first, MqttDeliveryReport second) {
        return new MqttDeliveryReport(Objects.requireNonNull(first.clientId()), first.username(),
                concat(first.trackingIds(), second.trackingIds()), concat(first.droppedIds(), second.droppedIds()),
                concat(first.oversizedIds(), second.oversizedIds()));
    }

    private static long[] concat(long[] a, long[] b) {
        long[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
