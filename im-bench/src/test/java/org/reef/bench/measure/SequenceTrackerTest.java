package org.reef.bench.measure;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SequenceTrackerTest {

    private final SequenceTracker tracker = new SequenceTracker();

    private void arrive(int... seqs) {
        for (int seq : seqs) {
            tracker.record(seq, true, 0);
        }
    }

    private static BitSet range(int fromInclusive, int toExclusive) {
        BitSet set = new BitSet();
        set.set(fromInclusive, toExclusive);
        return set;
    }

    @Test
    void inOrderArrivalsAreClean() {
        arrive(0, 1, 2, 3, 4);
        assertEquals(5, tracker.received());
        assertEquals(0, tracker.duplicates());
        assertEquals(0, tracker.outOfOrder());
        assertEquals(0, tracker.missingOf(range(0, 5)));
        assertEquals(5, tracker.deliveredOf(range(0, 5)));
    }

    @Test
    void aGapIsLossNotDisorder() {
        arrive(0, 2, 3);
        assertEquals(0, tracker.outOfOrder());
        assertEquals(1, tracker.missingOf(range(0, 4)));
        assertEquals(3, tracker.deliveredOf(range(0, 4)));
    }

    @Test
    void aLateArrivalIsDisorderNotLoss() {
        arrive(0, 2, 1, 3);
        assertEquals(1, tracker.outOfOrder());
        assertEquals(0, tracker.missingOf(range(0, 4)));
    }

    @Test
    void everyMessageOvertakenCountsOnce() {
        arrive(3, 0, 1, 2);
        assertEquals(3, tracker.outOfOrder());
    }

    @Test
    void aRepeatIsADuplicateAndNeitherDisorderNorExtraDelivery() {
        arrive(0, 1, 1, 2, 0);
        assertEquals(5, tracker.received());
        assertEquals(2, tracker.duplicates());
        assertEquals(0, tracker.outOfOrder());
        assertEquals(3, tracker.distinct());
        assertEquals(3, tracker.deliveredOf(range(0, 3)));
    }

    @Test
    void lossCountsOnlyTheExpectedMessages() {
        arrive(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        // warm-up (0-1) and late completions (8-9) were never expected: they cannot be lost or delivered
        BitSet expected = range(2, 8);
        expected.clear(5);
        tracker.record(5, true, 0); // a duplicate of 5 changes nothing either
        assertEquals(5, tracker.deliveredOf(expected));
        assertEquals(0, tracker.missingOf(expected));
        assertEquals(3, tracker.missingOf(range(10, 13)));
    }

    @Test
    void distinctInWindowIgnoresWarmupAndDuplicates() {
        tracker.record(0, false, 0);
        tracker.record(1, true, 0);
        tracker.record(1, true, 0);
        tracker.record(2, true, 0);
        assertEquals(2, tracker.distinctInWindow());
    }

    @Test
    void arrivalTimesAreKept() {
        tracker.record(0, true, 100);
        tracker.record(1, true, 250);
        assertEquals(100, tracker.firstArrivalNanos());
        assertEquals(250, tracker.lastArrivalNanos());
    }

    @Test
    void aNegativeSequenceNumberIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> tracker.record(-1, true, 0));
    }
}
