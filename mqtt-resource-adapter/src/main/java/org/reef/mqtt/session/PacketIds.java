package org.reef.mqtt.session;

import java.util.BitSet;

/**
 * Allocates packet identifiers for one session's outbound QoS 1 and 2 messages: non-zero 16-bit values, none reused
 * while still unacknowledged (MQTT 3.1.1 section 2.3.1), handed out in turn rather than lowest first, so that a
 * late acknowledgement is less likely to meet a reused identifier. Not thread-safe: used on the session's event loop
 * only.
 *
 * <p>The set of identifiers in use grows with the highest one handed out and starts again small whenever none is in
 * use: a session that is idle holds a few bytes here, not the 8 KiB of all 65 535 bits (which, for every connection
 * of a server holding tens of thousands of idle devices, was most of their memory).
 */
final class PacketIds {

    private static final int MAX = 65_535;
    private static final int SMALL_BITS = 1024;

    private BitSet inUse = new BitSet();
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
        if (count == 0 && inUse.size() > SMALL_BITS) {
            inUse = new BitSet(); // nothing in flight: give back what a busy spell grew
        }
        return true;
    }

    int inUse() {
        return count;
    }

    /** The bits the set of identifiers in use currently holds (for tests). */
    int capacityBits() {
        return inUse.size();
    }
}
