package org.reef.mqtt.session;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the sessions of one broker send, drop and hold queued, counted for monitoring. Every session of the broker
 * bumps the same instance from its own event loop: {@link LongAdder}s, so a count costs no lock and no allocation
 * and the event loops do not contend on one cache line.
 */
public final class DeliveryCounters {

    /** Why a message meant for a subscriber never reached it. */
    public enum DropCause {
        /** The session's queue (or the server-wide queue budget) was full: the README's drop policy. */
        QUEUE_FULL("queue_full"),
        /** An untracked QoS 0 message found the subscriber's event loop backlog full (security review F4). */
        BACKLOG("backlog"),
        /** Larger than the client's MQTT 5 Maximum Packet Size (MQTT 5.0 section 3.1.2.11.4). */
        TOO_LARGE("too_large"),
        /** Its MQTT 5 Message Expiry Interval passed while it waited (MQTT 5.0 section 3.3.2.3.3). */
        EXPIRED("expired"),
        /** QoS 0 for a client that is offline: not kept (MQTT 3.1.1 section 3.1.2.4). */
        OFFLINE("offline");

        private final String label;

        DropCause(String label) {
            this.label = label;
        }

        /** The name used in metrics. */
        public String label() {
            return label;
        }
    }

    private final LongAdder[] sent = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] dropped = new LongAdder[DropCause.values().length];
    private final LongAdder queued = new LongAdder();

    public DeliveryCounters() {
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    /** A PUBLISH written to a client (a resend counts again). */
    void sent(int qos) {
        sent[qos].increment();
    }

    void dropped(DropCause cause) {
        dropped[cause.ordinal()].increment();
    }

    void queued(int delta) {
        queued.add(delta);
    }

    public long sentCount(int qos) {
        return sent[qos].sum();
    }

    public long droppedCount(DropCause cause) {
        return dropped[cause.ordinal()].sum();
    }

    /** Messages waiting in sessions' queues (beyond their inflight windows), online or offline. */
    public long queuedCount() {
        return queued.sum();
    }
}
