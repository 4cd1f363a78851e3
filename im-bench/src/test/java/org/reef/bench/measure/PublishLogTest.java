package org.reef.bench.measure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PublishLogTest {

    private final PublishLog log = new PublishLog(new MeasurementWindow(1_000, 2_000));

    @Test
    void onlyMessagesStampedAndCompletedInsideTheWindowCount() {
        log.sent(0, 500);   // warm-up
        log.sent(1, 1_000); // first in the window
        log.sent(2, 1_500);
        log.sent(3, 1_999); // last in the window
        log.completed(0, 1_100); // completed inside, but stamped during warm-up
        log.completed(1, 1_200);
        log.completed(2, 1_999);
        log.completed(3, 2_000); // completed when time was up: still in flight, not counted
        assertEquals(4, log.sent());
        assertEquals(3, log.sentInWindow());
        assertEquals(2, log.publishedCount());
        assertEquals(true, log.published().get(1));
        assertEquals(true, log.published().get(2));
    }

    @Test
    void completionsBeforeAnyMessageInTheWindowDoNotCount() {
        log.sent(0, 900);
        log.completed(0, 950);
        assertEquals(0, log.publishedCount());
    }

    @Test
    void failuresAreCountedApart() {
        log.sent(0, 1_100);
        log.failed(0);
        assertEquals(1, log.failed());
        assertEquals(0, log.publishedCount());
        assertEquals(1, log.sentInWindow());
    }

    @Test
    void aMessageRefusedAfterItsCompletionIsNoLongerPublishedAndIsOwedToNobody() {
        log.sent(0, 1_100);
        log.sent(1, 1_200);
        log.sent(2, 1_300);
        log.completed(0, 1_500);
        log.completed(1, 1_500);
        log.failed(1);       // an error event after an MQTT 3.1.1 PUBACK
        log.failed(2);       // refused in the PUBACK ...
        log.failed(2);       // ... and by an error event: one failure
        log.completed(2, 1_600);
        assertEquals(1, log.publishedCount());
        assertEquals(2, log.failed());
        assertEquals(3, log.sentInWindow());
        assertEquals(1, log.owedInWindow());
    }

    @Test
    void aLogWhoseWindowComesLaterCountsNothingBeforeIt() {
        PublishLog later = new PublishLog();
        later.sent(0, 1_100);
        later.completed(0, 1_200);
        later.measure(new MeasurementWindow(1_000, 2_000));
        later.sent(1, 1_300);
        later.completed(1, 1_400);
        assertEquals(2, later.sent());
        assertEquals(1, later.sentInWindow());
        assertEquals(1, later.publishedCount());
    }

    @Test
    void theAlwaysWindowCountsEveryCompletion() {
        PublishLog always = new PublishLog(MeasurementWindow.always());
        for (int seq = 0; seq < 10; seq++) {
            always.sent(seq, System.nanoTime());
        }
        for (int seq = 9; seq >= 0; seq--) {
            always.completed(seq, System.nanoTime());
        }
        assertEquals(10, always.publishedCount());
    }
}
