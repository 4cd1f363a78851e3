package org.reef.mqtt.session;

/**
 * How much one session may queue: messages, bytes of its own, and its share of the server-wide byte budget.
 *
 * @param maxQueued messages queued beyond the inflight window
 * @param maxBytes  topic and payload bytes queued
 * @param total     the budget shared by all sessions
 * @param counters  where all sessions count what they send, drop and queue
 */
public record QueueLimits(int maxQueued, long maxBytes, QueuedBytes total, DeliveryCounters counters) {

    public QueueLimits(int maxQueued, long maxBytes, QueuedBytes total) {
        this(maxQueued, maxBytes, total, new DeliveryCounters());
    }

    /** Only a message count: for tests and tools that need no byte bounds. */
    public static QueueLimits messages(int maxQueued) {
        return new QueueLimits(maxQueued, Long.MAX_VALUE, new QueuedBytes(Long.MAX_VALUE));
    }

    /** The size a delivery is counted with: its payload and its topic. */
    static long sizeOf(Delivery delivery) {
        return (long) delivery.message().payload().length + delivery.message().topic().length();
    }
}
