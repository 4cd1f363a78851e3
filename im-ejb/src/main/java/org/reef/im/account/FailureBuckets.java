package org.reef.im.account;

import org.reef.im.moderation.TokenBucket;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An allowance of failures per key (an account or an address): {@code allowed} per {@code window}, refilled
 * continuously, so after a burst of failures one more attempt is allowed every {@code window / allowed}. Memory is
 * bounded: keys whose allowance is full again are forgotten, and beyond {@code maxKeys} new keys are not tracked
 * (the other dimension of the throttle and the bounded hashing pool still apply to them). Thread-safe.
 */
final class FailureBuckets {

    private final int allowed;
    private final double ratePerSecond;
    private final int maxKeys;
    private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** @param allowed failures per window; 0 for no limit */
    FailureBuckets(int allowed, long windowSeconds, int maxKeys) {
        this.allowed = allowed;
        this.ratePerSecond = allowed / (double) windowSeconds;
        this.maxKeys = maxKeys;
    }

    /**
     * Charges one attempt to the key before it is made (so concurrent attempts cannot exceed the allowance).
     *
     * @return 0 if charged, else the nanoseconds until the key may try again
     */
    long tryCharge(String key, long now) {
        if (allowed == 0) {
            return 0;
        }
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                forgetFull(now);
                if (buckets.size() >= maxKeys) {
                    return 0;
                }
            }
            bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, allowed, now));
        }
        synchronized (bucket) {
            return bucket.tryTake(now) ? 0 : Math.max(1, bucket.nanosUntilToken(now));
        }
    }

    /** Gives back the attempt charged to the key: it succeeded, or was never made. */
    void refund(String key, long now) {
        TokenBucket bucket = buckets.get(key);
        if (bucket != null) {
            synchronized (bucket) {
                bucket.giveBack(now);
            }
        }
    }

    /** Forgets the keys whose allowance is full again. */
    void forgetFull(long now) {
        buckets.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                return entry.getValue().isFull(now);
            }
        });
    }

    int size() {
        return buckets.size();
    }
}
