package org.reef.bench.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RatePacerTest {

    @Test
    void aThousandPerSecondIsOneEveryMillisecond() {
        RatePacer pacer = new RatePacer(1_000);
        assertEquals(0, pacer.offsetNanos(0));
        assertEquals(1_000_000, pacer.offsetNanos(1));
        assertEquals(1_000_000_000, pacer.offsetNanos(1_000));
        assertEquals(1, pacer.dueBy(0));
        assertEquals(1, pacer.dueBy(999_999));
        assertEquals(2, pacer.dueBy(1_000_000));
        assertEquals(1_001, pacer.dueBy(1_000_000_000));
        assertEquals(0, pacer.dueBy(-1));
    }

    @Test
    void aTotalRateIsSharedEquallyBySenders() {
        RatePacer each = RatePacer.share(10_000, 100);
        assertEquals(100, each.perSecond());
        assertEquals(10_000_000, each.offsetNanos(1));
    }

    @Test
    void aFractionalRateSpacesMessagesBySeconds() {
        RatePacer each = RatePacer.share(1, 4);
        assertEquals(4_000_000_000L, each.offsetNanos(1));
        assertEquals(1, each.dueBy(3_999_999_999L));
        assertEquals(2, each.dueBy(4_000_000_000L));
    }

    @Test
    void offsetsRoundUpSoNoMessageIsEarly() {
        RatePacer pacer = new RatePacer(3);
        assertEquals(333_333_334, pacer.offsetNanos(1));
        assertEquals(666_666_667, pacer.offsetNanos(2));
        assertEquals(1_000_000_000, pacer.offsetNanos(3));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 1, 3, 7.3, 97, 1_000, 33_333.3, 1_000_000})
    void dueByAgreesWithOffsetsExactly(double rate) {
        RatePacer pacer = new RatePacer(rate);
        for (long k = 0; k < 20_000; k++) {
            long offset = pacer.offsetNanos(k);
            assertEquals(k + 1, pacer.dueBy(offset), "message " + k + " is due at its offset");
            if (k > 0) {
                assertEquals(k, pacer.dueBy(offset - 1), "message " + k + " is not due before its offset");
                assertTrue(offset > pacer.offsetNanos(k - 1));
            }
        }
    }

    @Test
    void overAPeriodTheCountMatchesTheRate() {
        RatePacer pacer = new RatePacer(250);
        // 10 s at 250/s: messages 0..2499 lie before the 10 s mark, message 2500 is due exactly on it
        assertEquals(2_501, pacer.dueBy(10_000_000_000L));
        assertEquals(2_500, pacer.dueBy(9_999_999_999L));
    }

    @Test
    void nonsenseRatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RatePacer(0));
        assertThrows(IllegalArgumentException.class, () -> new RatePacer(-1));
        assertThrows(IllegalArgumentException.class, () -> new RatePacer(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RatePacer(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> RatePacer.share(100, 0));
    }
}
