package org.reef.bench.measure;

import java.util.BitSet;

/**
 * What a receiver got from one stream (one sender's sequence numbers): which numbers arrived, how many arrived
 * again (duplicates), and how many arrived after a higher one (out of order). A gap is not disorder: 0, 2 without
 * 1 is one message missing and nothing out of order, while 0, 2, 1 is one out of order and nothing missing.
 *
 * <p>Duplicates and disorder count over the whole run, warm-up and drain included, since any of them is a delivery
 * bug; the count of distinct numbers stamped inside the measurement window tells the drain when everything has
 * arrived. A bit per sequence number keeps this exact; memory grows with the messages of the stream (a million
 * messages, 125 kB). Written by one event loop, read by the main thread, hence synchronized.
 */
public final class SequenceTracker {

    private final BitSet seen = new BitSet();
    private int highest = -1;
    private long received;
    private long duplicates;
    private long outOfOrder;
    private long distinctInWindow;
    private long firstArrivalNanos;
    private long lastArrivalNanos;

    /**
     * @param inWindow whether the message's stamp lies in the measurement window
     */
    public synchronized void record(int seq, boolean inWindow, long arrivalNanos) {
        if (seq < 0) {
            throw new IllegalArgumentException("negative sequence number " + seq);
        }
        if (received++ == 0) {
            firstArrivalNanos = arrivalNanos;
        }
        lastArrivalNanos = arrivalNanos;
        if (seen.get(seq)) {
            duplicates++;
            return;
        }
        seen.set(seq);
        if (seq < highest) {
            outOfOrder++;
        } else {
            highest = seq;
        }
        if (inWindow) {
            distinctInWindow++;
        }
    }

    /** How many of the expected sequence numbers arrived at least once. */
    public synchronized long deliveredOf(BitSet expected) {
        BitSet both = (BitSet) expected.clone();
        both.and(seen);
        return both.cardinality();
    }

    /** How many of the expected sequence numbers never arrived. */
    public synchronized long missingOf(BitSet expected) {
        BitSet missing = (BitSet) expected.clone();
        missing.andNot(seen);
        return missing.cardinality();
    }

    public synchronized long received() {
        return received;
    }

    public synchronized long distinct() {
        return seen.cardinality();
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long outOfOrder() {
        return outOfOrder;
    }

    public synchronized long distinctInWindow() {
        return distinctInWindow;
    }

    /** When the first message arrived ({@link System#nanoTime()}); meaningless while {@link #received()} is 0. */
    public synchronized long firstArrivalNanos() {
        return firstArrivalNanos;
    }

    public synchronized long lastArrivalNanos() {
        return lastArrivalNanos;
    }
}
