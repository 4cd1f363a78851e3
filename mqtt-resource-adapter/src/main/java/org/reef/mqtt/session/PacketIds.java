package org.reef.mqtt.session;

import java.util.BitSet;

/**
 * Allocates packet identifiers for one session's outbound QoS 1 and 2 messages: non-zero 16-bit values, none reused
 * while still unacknowledged (MQTT 3.1.1 section 2.3.1). Not thread-safe: used on the session's event loop only.
 */
final class PacketIds {

    private static final int MAX = 65_535;

    private final BitSet inUse = new BitSet(MAX + 1);
    private int next = 1;
    private int count;

    /** Returns a free identifier, or -1 when all 65 535 are in use. */
    int allocate() {
        if (count == MAX) {
            return -1;
        }
        int id = inUse.nextClearBit(next);
        if (id > MAX) {
            id = inUse.nextClearBit(1);
        }
        inUse.set(id);
        count++;
        next = id == MAX ? 1 : id + 1;
        return id;
    }

    /** Frees an identifier; returns false if it was not in use. */
    boolean release(int id) {
        if (id < 1 || id > MAX || !inUse.get(id)) {
            return false;
        }
        inUse.clear(id);
        count--;
        return true;
    }

    int inUse() {
        return count;
    }
}
