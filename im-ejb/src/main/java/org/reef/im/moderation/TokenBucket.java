package org.reef.im.moderation;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code rate} per second. Not thread-safe: callers
 * synchronize on it. Time is given by the caller (nanoseconds, as from {@link System#nanoTime()}).
 */
final class TokenBucket {

    private final double rate;
    private final double burst;
    private double tokens;
    private long updated;

    TokenBucket(int rate, int burst, long now) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.updated = now;
    }

    /** Takes one token if there is one. */
    boolean tryTake(long now) {
        refill(now);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Whether the bucket is full again at {@code now} (it then says nothing an absent bucket would not). */
    boolean isFull(long now) {
        refill(now);
        return tokens >= burst;
    }

    private void refill(long now) {
        long elapsed = now - updated;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * rate / 1_000_000_000d);
            updated = now;
        }
    }
}
