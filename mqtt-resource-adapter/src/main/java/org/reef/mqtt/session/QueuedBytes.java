package org.reef.mqtt.session;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes queued for all sessions together, against a server-wide bound (security review F4): offline persistent
 * sessions of many users cannot together hold more than this. Thread-safe.
 */
public final class QueuedBytes {

    private final long max;
    private final AtomicLong used = new AtomicLong();

    public QueuedBytes(long max) {
        this.max = max;
    }

    /** Takes {@code bytes} of the budget, or returns false (taking nothing) if it would exceed the bound. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > max) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes queued now over all sessions. */
    public long used() {
        return used.get();
    }
}
