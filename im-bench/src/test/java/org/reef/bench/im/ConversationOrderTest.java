package org.reef.bench.im;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConversationOrderTest {

    private final ConversationOrder order = new ConversationOrder();

    @Test
    void risingSeqsFromAnywhereAreInOrder() {
        for (long seq = 1_000; seq < 1_010; seq++) {
            order.record("dm:a:b", seq);
        }
        order.record("group:g", 1);
        order.record("group:g", 2);
        assertEquals(0, order.outOfOrder());
        assertEquals(0, order.gaps());
        assertEquals(0, order.repeats());
    }

    @Test
    void aLowerSeqIsOutOfOrderAndARepeatIsNot() {
        order.record("c", 5);
        order.record("c", 7);
        order.record("c", 6); // late
        order.record("c", 7); // again
        order.record("c", 4); // below the first one seen
        assertEquals(2, order.outOfOrder());
        assertEquals(1, order.repeats());
        assertEquals(0, order.gaps());
    }

    @Test
    void gapsAreTheSeqsNeverDeliveredBetweenTheLowestAndTheHighest() {
        order.record("c", 10);
        order.record("c", 13);
        order.record("c", 11);
        order.record("d", 1);
        order.record("d", 5);
        assertEquals(1 + 3, order.gaps());
    }

    @Test
    void messagesWithoutAPlausibleSeqAreCountedApart() {
        order.record("c", -1);
        order.record(null, 3);
        order.record("c", 1);
        order.record("c", 1 + ConversationOrder.MAX_SPAN + 1);
        assertEquals(3, order.unnumbered());
        assertEquals(0, order.gaps());
    }
}
