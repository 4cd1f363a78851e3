package org.reef.im.moderation;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code rate} per second. Not thread-safe: callers
 * synchronize on it. Time is given by the caller (nanoseconds, as from {@link System#nanoTime()}).
 */
public final class TokenBucket {

    private final double rate;
    private final double burst;
    private double tokens;
    private long updated;

    public TokenBucket(int rate, int burst, long now) {
        this((double) rate, burst, now);
    }

    /** A bucket refilled at a fractional rate, e.g. 10 tokens per 900 s. */
    public TokenBucket(double ratePerSecond, int burst, long now) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.rate = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.updated = now;
    }

    /** Takes one token if there is one. */
    public boolean tryTake(long now) {
        return tryTake(1, now);
    }

    /**
     * Takes {@code count} tokens if there are that many, none otherwise. A count above the burst takes a full bucket
     * (it could never be served otherwise).
     */
    public boolean tryTake(int count, long now) {
        refill(now);
        double wanted = Math.min(count, burst);
        if (tokens < wanted) {
            return false;
        }
        tokens -= wanted;
        return true;
    }

    /**
     * Takes {@code count} tokens whatever is left: tokens another holder of the same budget already spent (another
     * cluster node). The bucket may go into debt, down to one burst below empty, and refills from there.
     */
    public void spend(int count, long now) {
        refill(now);
        tokens = Math.max(-burst, tokens - Math.min(count, burst));
    }

    /** Gives back one token taken earlier (never beyond the burst). */
    public void giveBack(long now) {
        refill(now);
        tokens = Math.min(burst, tokens + 1);
    }

    /** Nanoseconds until one token is available (0 if one is). */
    public long nanosUntilToken(long now) {
        refill(now);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / rate * 1_000_000_000d);
    }

    /** Whether the bucket is full again at {@code now} (it then says nothing an absent bucket would not). */
    public boolean isFull(long now) {
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
