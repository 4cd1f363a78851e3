package org.reef.mqtt.session;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbound side of one session, without any I/O: the inflight window of QoS 1 and 2 messages that carry a packet
 * identifier and await acknowledgement, and the bounded queue of messages waiting for room in the window (or for a
 * disconnected client to come back).
 *
 * <p>Drop policy when the queue is full (documented in the README): queued QoS 0 messages are evicted first, oldest
 * first, to make room; if none is left, the newest message (the one being offered) is dropped. Every drop is
 * counted. Not thread-safe: confined to the session's executor.
 */
public final class OutboundQueue {

    /** State of a message in the inflight window (MQTT 3.1.1 section 4.3). */
    public enum State {
        /** PUBLISH sent, PUBACK (QoS 1) or PUBREC (QoS 2) awaited. */
        PUBLISHED,
        /** QoS 2: PUBREC received, PUBREL sent, PUBCOMP awaited. */
        RELEASED
    }

    /** A message holding a packet identifier. */
    public static final class Inflight {
        private final int packetId;
        private final Delivery delivery;
        private State state = State.PUBLISHED;
        private boolean pendingResend;

        Inflight(int packetId, Delivery delivery) {
            this.packetId = packetId;
            this.delivery = delivery;
        }

        public int packetId() {
            return packetId;
        }

        public Delivery delivery() {
            return delivery;
        }

        public State state() {
            return state;
        }

        /** Whether it awaits being sent again on the new connection. */
        public boolean pendingResend() {
            return pendingResend;
        }

        void resent() {
            pendingResend = false;
        }
    }

    private final int maxQueued;
    private final long maxBytes;
    private final QueuedBytes total;
    private final DeliveryCounters counters;
    private final PacketIds packetIds = new PacketIds();
    private final Map<Integer, Inflight> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private long bytes;
    private long dropped;

    public OutboundQueue(int maxQueued) {
        this(QueueLimits.messages(maxQueued));
    }

    /** A queue bounded in messages, in its own bytes and by the server-wide byte budget (security review F4). */
    public OutboundQueue(QueueLimits limits) {
        this.maxQueued = limits.maxQueued();
        this.maxBytes = limits.maxBytes();
        this.total = limits.total();
        this.counters = limits.counters();
    }

    /**
     * Queues a delivery behind those already waiting; applies the drop policy when the queue is full, in messages or
     * in bytes: queued QoS 0 messages are evicted, oldest first, until the new one fits, else the new one is dropped.
     *
     * @return the deliveries dropped to respect the bounds (evicted QoS 0 ones, or this one), possibly none
     */
    public List<Delivery> enqueue(Delivery delivery) {
        long size = QueueLimits.sizeOf(delivery);
        List<Delivery> evicted = List.of();
        while (!fits(size)) {
            Delivery oldest = evictOldestQos0();
            if (oldest == null) {
                dropped++;
                counters.dropped(DeliveryCounters.DropCause.QUEUE_FULL);
                return concat(evicted, delivery);
            }
            dropped++;
            counters.dropped(DeliveryCounters.DropCause.QUEUE_FULL);
            evicted = concat(evicted, oldest);
        }
        queue.add(delivery);
        bytes += size;
        counters.queued(1);
        return evicted;
    }

    /** Whether a delivery of this size fits now; if so, its bytes are taken from the shared budget. */
    private boolean fits(long size) {
        return queue.size() < maxQueued && bytes + size <= maxBytes && total.tryReserve(size);
    }

    private static List<Delivery> concat(List<Delivery> list, Delivery one) {
        List<Delivery> longer = new java.util.ArrayList<>(list);
        longer.add(one);
        return longer;
    }

    private Delivery evictOldestQos0() {
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
            Delivery queued = it.next();
            if (queued.qos() == 0) {
                it.remove();
                release(queued);
                return queued;
            }
        }
        return null;
    }

    private void release(Delivery delivery) {
        long size = QueueLimits.sizeOf(delivery);
        bytes -= size;
        total.release(size);
        counters.queued(-1);
    }

    /** The next queued delivery if the window has room for it (QoS 0 needs none), else null. */
    public Delivery pollSendable(int window) {
        Delivery next = queue.peek();
        if (next == null || (next.qos() > 0 && inflight.size() >= window)) {
            return null;
        }
        release(next);
        return queue.poll();
    }

    /** Puts a QoS 1/2 delivery into the window; returns its packet identifier (or -1 if all ids are in use). */
    public int assign(Delivery delivery) {
        int packetId = packetIds.allocate();
        if (packetId > 0) {
            inflight.put(packetId, new Inflight(packetId, delivery));
        }
        return packetId;
    }

    /** PUBACK (QoS 1) or PUBCOMP (QoS 2): the message is done. Returns it, or null for an unknown id. */
    public Inflight complete(int packetId, State expected) {
        Inflight entry = inflight.get(packetId);
        if (entry == null || entry.state != expected || (expected == State.PUBLISHED && entry.delivery.qos() != 1)) {
            return null;
        }
        inflight.remove(packetId);
        packetIds.release(packetId);
        return entry;
    }

    /** PUBREC for a QoS 2 message: it moves to RELEASED. Returns false for an unknown id or wrong state. */
    public boolean received(int packetId) {
        Inflight entry = inflight.get(packetId);
        if (entry == null || entry.delivery.qos() != 2 || entry.pendingResend) {
            return false;
        }
        entry.state = State.RELEASED;
        return true;
    }

    /** PUBREC with an error reason (MQTT 5): the message is done, like a PUBACK. */
    public Inflight abandon(int packetId) {
        Inflight entry = inflight.remove(packetId);
        if (entry != null) {
            packetIds.release(packetId);
        }
        return entry;
    }

    /** Marks the whole window for resending (a new connection of the session). */
    public void markAllForResend() {
        inflight.values().forEach(entry -> entry.pendingResend = true);
    }

    public boolean hasPendingResends() {
        for (Inflight entry : inflight.values()) {
            if (entry.pendingResend) {
                return true;
            }
        }
        return false;
    }

    /** Window entries sent on the current connection and not yet acknowledged. */
    public int outstanding() {
        int count = 0;
        for (Inflight entry : inflight.values()) {
            if (!entry.pendingResend) {
                count++;
            }
        }
        return count;
    }

    /** The window in the order the messages were first sent, for redelivery on reconnect. */
    public Collection<Inflight> inflight() {
        return inflight.values();
    }

    /** The deliveries waiting for room in the window, in order. */
    public Collection<Delivery> queued() {
        return java.util.Collections.unmodifiableCollection(queue);
    }

    public int inflightCount() {
        return inflight.size();
    }

    public int queuedCount() {
        return queue.size();
    }

    /** Messages dropped by the bound since the session began. */
    public long dropped() {
        return dropped;
    }

    /** Forgets everything (a clean start). */
    public void clear() {
        inflight.keySet().forEach(packetIds::release);
        inflight.clear();
        queue.forEach(this::release);
        queue.clear();
    }

    /** Topic and payload bytes queued. */
    public long queuedBytes() {
        return bytes;
    }
}
