package org.reef.mqtt.session;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketIdsTest {

    @Test
    void anIdleSessionHoldsASmallSetNotAll65535Bits() {
        PacketIds ids = new PacketIds();
        assertTrue(ids.capacityBits() <= 64, "new: " + ids.capacityBits());
        int id = 0;
        for (int i = 0; i < 5000; i++) { // a busy spell: identifiers handed out in turn, one at a time in flight
            int next = ids.allocate();
            if (i > 0) {
                ids.release(id);
            }
            id = next;
        }
        assertTrue(ids.capacityBits() >= 5000, "grew with the identifiers in use: " + ids.capacityBits());
        ids.release(id);
        assertTrue(ids.capacityBits() <= 64, "idle again: " + ids.capacityBits());
    }

    @Test
    void identifiersAreNonZeroUniqueWhileInUseAndHandedOutInTurn() {
        PacketIds ids = new PacketIds();
        Set<Integer> inUse = new HashSet<>();
        for (int i = 0; i < 65_535; i++) {
            int id = ids.allocate();
            assertTrue(id >= 1 && id <= 65_535);
            assertTrue(inUse.add(id), "unique while in use: " + id);
        }
        assertEquals(-1, ids.allocate(), "all in use");
        assertTrue(ids.release(7));
        assertFalse(ids.release(7), "released once");
        assertEquals(7, ids.allocate(), "the only free one");
        assertTrue(ids.release(100));
        assertTrue(ids.release(200));
        assertEquals(100, ids.allocate());
        assertEquals(200, ids.allocate(), "in turn after the last one handed out");
    }
}
