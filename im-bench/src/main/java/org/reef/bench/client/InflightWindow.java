package org.reef.bench.client;

/**
 * The QoS 1 publications of one client that await their PUBACK, and whom to tell when each completes.
 *
 * <p>A packet identifier becomes reusable once its acknowledgement arrives (MQTT 3.1.1 §2.3.1), so the window hands
 * out the ids 1..capacity from a free list and each id doubles as its slot: no map and no allocation per message,
 * which matters at hundreds of thousands of publications a second. The limit can shrink below the capacity when an
 * MQTT 5 server announces a smaller Receive Maximum (MQTT 5 §3.2.2.3.3). Confined to the client's event loop.
 */
final class InflightWindow {

    private final int capacity;
    private final int[] free;
    private final long[] tokens;
    private final PublishListener[] listeners;
    private int freeCount;
    private int limit;
    private int inUse;

    InflightWindow(int capacity) {
        if (capacity < 1 || capacity > ClientSettings.MAX_INFLIGHT) {
            throw new IllegalArgumentException("capacity must be 1.." + ClientSettings.MAX_INFLIGHT);
        }
        this.capacity = capacity;
        this.free = new int[capacity];
        this.tokens = new long[capacity];
        this.listeners = new PublishListener[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - i; // id 1 is handed out first
        }
        this.freeCount = capacity;
        this.limit = capacity;
    }

    boolean hasRoom() {
        return inUse < limit;
    }

    /** @return the packet id for the publication, or -1 when the window is full */
    int acquire(long token, PublishListener listener) {
        if (!hasRoom()) {
            return -1;
        }
        int id = free[--freeCount];
        tokens[id - 1] = token;
        listeners[id - 1] = listener;
        inUse++;
        return id;
    }

    /**
     * Frees the id and tells its listener.
     *
     * @return false for an id that was not in flight (a stray or repeated PUBACK), which changes nothing
     */
    boolean complete(int id, boolean success) {
        if (id < 1 || id > capacity || listeners[id - 1] == null) {
            return false;
        }
        PublishListener listener = listeners[id - 1];
        long token = tokens[id - 1];
        listeners[id - 1] = null;
        free[freeCount++] = id;
        inUse--;
        listener.published(token, success);
        return true;
    }

    /** The connection is gone: every publication still in flight failed. */
    void abandonAll() {
        for (int id = 1; id <= capacity; id++) {
            complete(id, false);
        }
    }

    /** Applies the server's Receive Maximum; never below 1, never above the capacity. */
    void limit(int receiveMaximum) {
        limit = Math.max(1, Math.min(capacity, receiveMaximum));
    }

    int inUse() {
        return inUse;
    }

    int limit() {
        return limit;
    }
}
