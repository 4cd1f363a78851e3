package org.reef.im.delivery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The confirmed position of a device (where it resumes, and where new devices of its user start) never passes a
 * delivery that was not acknowledged: a drop by the broker sends the dropped position again, even when later ones
 * were acknowledged first, and even when the drop is reported after the device went away.
 */
class InboxCursorTest {

    @Test
    void acknowledgementsInOrderConfirmTheirPositions() {
        InboxCursor cursor = cursorWithSent(0, 1, 2, 3);
        cursor.acked.add(1L);
        cursor.acked.add(2L);
        cursor.settle();
        assertEquals(2, cursor.confirmed);
        assertEquals(1, cursor.outstanding.size());
    }

    @Test
    void aDroppedPositionBelowAcknowledgedOnesIsResentAndNeverConfirmed() {
        InboxCursor cursor = cursorWithSent(10, 11, 12, 13, 14);
        cursor.dropped.add(12L);
        cursor.acked.add(11L);
        cursor.acked.add(13L);
        cursor.acked.add(14L);
        cursor.settle();

        assertEquals(11, cursor.confirmed, "14 was acknowledged, but 12 never arrived");
        assertEquals(11, cursor.sent, "the pump resends from 12");
    }

    @Test
    void aDropReportedAfterLaterAcknowledgementsStillHoldsTheConfirmedPositionBack() {
        InboxCursor cursor = cursorWithSent(0, 1, 2, 3);
        cursor.acked.add(1L);
        cursor.acked.add(3L);
        cursor.settle();
        assertEquals(1, cursor.confirmed, "2 is still outstanding");

        cursor.connectionId = null; // the device went away; the drop report comes afterwards
        cursor.dropped.add(2L);
        cursor.settle();
        assertEquals(1, cursor.confirmed);
        assertEquals(1, cursor.sent, "resent from 2 when the device is back");
    }

    @Test
    void skippedPositionsOfTheDevicesOwnMessagesCountAsConfirmed() {
        InboxCursor cursor = cursorWithSent(0, 1);
        cursor.sent = 3; // 2 and 3 were the device's own messages: nothing to deliver
        cursor.acked.add(1L);
        cursor.settle();
        assertEquals(3, cursor.confirmed);
    }

    @Test
    void resynchronizingResendsWhatWasInFlightAndOpensTheWindow() {
        InboxCursor cursor = cursorWithSent(5, 6, 7, 8);
        cursor.acked.add(6L);
        cursor.resynchronize();
        assertEquals(6, cursor.confirmed);
        assertEquals(6, cursor.sent);
        assertTrue(cursor.outstanding.isEmpty(), "acknowledgements lost with the old connection hold nothing shut");
    }

    @Test
    void theConfirmedPositionNeverGoesBack() {
        InboxCursor cursor = cursorWithSent(0, 1, 2);
        cursor.acked.add(1L);
        cursor.acked.add(2L);
        cursor.settle();
        assertEquals(2, cursor.confirmed);
        cursor.dropped.add(1L); // a late, stale drop report of a position acknowledged since
        cursor.settle();
        assertEquals(2, cursor.confirmed);
    }

    @Test
    void anOversizedEventIsReplacedOnceAndItsStandInsAcknowledgementConfirmsIt() {
        InboxCursor cursor = cursorWithSent(0, 1, 2);
        cursor.oversized.add(1L);
        cursor.acked.add(2L);
        cursor.settle();
        assertEquals(java.util.List.of(1L), cursor.toReplace, "a stand-in goes in its place");
        assertEquals(0, cursor.confirmed, "not confirmed before the stand-in is acknowledged");

        cursor.toReplace.clear();
        cursor.replaced.add(1L); // the pump sent the stand-in with the same tracking id
        cursor.acked.add(1L);
        cursor.settle();
        assertEquals(2, cursor.confirmed);
    }

    @Test
    void aStandInThatIsTooLargeTooIsGivenUp() {
        InboxCursor cursor = cursorWithSent(0, 1);
        cursor.replaced.add(1L);
        cursor.oversized.add(1L);
        cursor.settle();
        assertTrue(cursor.toReplace.isEmpty());
        assertEquals(1, cursor.confirmed, "nothing smaller to send: the position is passed");
    }

    @Test
    void anAcknowledgedLiveDeliveryIsTimedFromItsCommitOnce() {
        List<Long> timed = new ArrayList<>();
        InboxCursor cursor = new InboxCursor("phone", "bob", 0, timed::add);
        cursor.connectionId = "c1";
        long committed = System.nanoTime() - 5_000_000; // 5 ms ago
        cursor.outstanding.add(1L);
        cursor.timed(1, committed);
        cursor.outstanding.add(2L); // pumped from the database: not timed
        cursor.acked.add(1L);
        cursor.acked.add(2L);
        cursor.settle();
        assertEquals(1, timed.size(), "only the live delivery");
        assertTrue(timed.get(0) >= 5_000_000, "from its commit: " + timed.get(0));

        cursor.acked.add(1L); // a repeated acknowledgement is not timed again
        cursor.settle();
        assertEquals(1, timed.size());
    }

    @Test
    void aSlotReusedByALaterDeliveryTimesOnlyThatOne() {
        List<Long> timed = new ArrayList<>();
        InboxCursor cursor = new InboxCursor("phone", "bob", 0, timed::add);
        cursor.timed(3, System.nanoTime());
        cursor.timed(3 + InboxCursor.TIMED, System.nanoTime()); // same slot, more than TIMED in flight
        cursor.acked.add(3L);
        cursor.settle();
        assertEquals(List.of(), timed, "3's time was overwritten: not timed rather than timed wrongly");
        cursor.acked.add(3L + InboxCursor.TIMED);
        cursor.settle();
        assertEquals(1, timed.size());
    }

    /** A cursor that started at {@code start} and delivered the given positions, all outstanding. */
    private static InboxCursor cursorWithSent(long start, long... positions) {
        InboxCursor cursor = new InboxCursor("phone", "bob", start);
        cursor.connectionId = "c1";
        for (long position : positions) {
            cursor.outstanding.add(position);
            cursor.sent = position;
        }
        return cursor;
    }
}
