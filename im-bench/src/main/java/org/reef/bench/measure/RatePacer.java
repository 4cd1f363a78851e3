package org.reef.bench.measure;

/**
 * An open-loop schedule: message k of a sender is due at {@code origin + k / rate}, whatever happened to the
 * messages before it. Publishers stamp payloads with this due time, not with the moment they got round to sending,
 * so a sender that falls behind (full window, unwritable socket, slow server) shows as latency instead of silently
 * sending less: the coordinated-omission trap of closed-loop load tools.
 */
public final class RatePacer {

    private static final double NANOS_PER_SECOND = 1e9;

    private final double perSecond;

    public RatePacer(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a positive number, not " + perSecond);
        }
        this.perSecond = perSecond;
    }

    /** Each of {@code senders} gets an equal share of a total rate. */
    public static RatePacer share(double totalPerSecond, int senders) {
        if (senders < 1) {
            throw new IllegalArgumentException("need at least one sender");
        }
        return new RatePacer(totalPerSecond / senders);
    }

    public double perSecond() {
        return perSecond;
    }

    /** When message k (from 0) is due, in nanoseconds after the origin; rounded up, never early. */
    public long offsetNanos(long k) {
        if (k < 0) {
            throw new IllegalArgumentException("negative message index");
        }
        return (long) Math.ceil(k * NANOS_PER_SECOND / perSecond);
    }

    /** How many messages are due at {@code elapsedNanos} after the origin: those whose offset is not later. */
    public long dueBy(long elapsedNanos) {
        if (elapsedNanos < 0) {
            return 0;
        }
        long k = (long) Math.floor(elapsedNanos * perSecond / NANOS_PER_SECOND);
        // the floating-point estimate may be one off either way; settle it against offsetNanos itself
        while (offsetNanos(k + 1) <= elapsedNanos) {
            k++;
        }
        while (k > 0 && offsetNanos(k) > elapsedNanos) {
            k--;
        }
        return k + 1;
    }
}
