package org.reef.im.moderation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheBurstThenRefusesUntilRefilled() {
        TokenBucket bucket = new TokenBucket(20, 50, 0);
        for (int i = 0; i < 50; i++) {
            assertTrue(bucket.tryTake(0), "send " + i + " of the burst");
        }
        assertFalse(bucket.tryTake(0));
        assertFalse(bucket.tryTake(SECOND / 40), "half a token after 25 ms at 20/s");
        assertTrue(bucket.tryTake(SECOND / 20), "one token after 50 ms");
        assertFalse(bucket.tryTake(SECOND / 20));
    }

    @Test
    void refillsAtTheRateAndNeverBeyondTheBurst() {
        TokenBucket bucket = new TokenBucket(20, 50, 0);
        for (int i = 0; i < 50; i++) {
            bucket.tryTake(0);
        }
        long later = 10 * SECOND; // 200 tokens' worth, capped at 50
        assertTrue(bucket.isFull(later));
        int taken = 0;
        while (bucket.tryTake(later)) {
            taken++;
        }
        assertTrue(taken == 50, "taken " + taken);
    }

    @Test
    void sustainedSendingGetsTheRate() {
        TokenBucket bucket = new TokenBucket(20, 50, 0);
        int accepted = 0;
        for (long t = 0; t < 10 * SECOND; t += SECOND / 100) { // 100 attempts per second for 10 s
            if (bucket.tryTake(t)) {
                accepted++;
            }
        }
        assertTrue(accepted >= 50 + 199 && accepted <= 50 + 200, "accepted " + accepted); // burst + 20/s x 10 s
    }

    @Test
    void tokensSpentElsewhereComeOutOfThisBucketEvenIntoDebt() {
        TokenBucket bucket = new TokenBucket(10, 20, 0);
        bucket.spend(15, 0); // another node granted 15 of the user's 20
        int taken = 0;
        while (bucket.tryTake(0)) {
            taken++;
        }
        assertEquals(5, taken, "one budget: 20 - 15");
        bucket.spend(100, 0); // more than a burst: a debt of one burst at most
        assertFalse(bucket.tryTake(SECOND), "after 1 s the debt of 20 is only half paid");
        assertFalse(bucket.tryTake(2 * SECOND), "after 2 s it is exactly paid: no token yet");
        assertTrue(bucket.tryTake(2 * SECOND + SECOND / 10 + 1), "then the rate again");
    }
}
