package org.reef.im.account;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureBucketsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheFailuresThenOneMorePerWindowShare() {
        FailureBuckets buckets = new FailureBuckets(5, 300, 100);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, buckets.tryCharge("bob", 0));
        }
        long wait = buckets.tryCharge("bob", 0);
        assertTrue(wait > 59 * SECOND && wait <= 60 * SECOND, "one attempt per 300 s / 5: " + wait);
        assertEquals(0, buckets.tryCharge("alice", 0), "other keys are not affected");
        assertEquals(0, buckets.tryCharge("bob", 60 * SECOND));
    }

    @Test
    void aRefundedAttemptDoesNotCount() {
        FailureBuckets buckets = new FailureBuckets(2, 300, 100);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, buckets.tryCharge("bob", 0));
            buckets.refund("bob", 0); // successful logins
        }
        assertEquals(0, buckets.tryCharge("bob", 0));
        assertEquals(0, buckets.tryCharge("bob", 0));
        assertTrue(buckets.tryCharge("bob", 0) > 0);
    }

    @Test
    void memoryIsBoundedAndRefilledKeysAreForgotten() {
        FailureBuckets buckets = new FailureBuckets(1, 10, 3);
        for (int i = 0; i < 10; i++) {
            buckets.tryCharge("k" + i, 0);
        }
        assertEquals(3, buckets.size(), "beyond the bound, new keys are not tracked");
        buckets.forgetFull(11 * SECOND);
        assertEquals(0, buckets.size());
    }

    @Test
    void zeroMeansNoLimit() {
        FailureBuckets buckets = new FailureBuckets(0, 10, 3);
        for (int i = 0; i < 100; i++) {
            assertEquals(0, buckets.tryCharge("bob", 0));
        }
        assertEquals(0, buckets.size());
    }
}
