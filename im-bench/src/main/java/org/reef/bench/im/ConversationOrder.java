package org.reef.bench.im;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The order in which one device saw the messages of its conversations. The server numbers the stored messages of a
 * conversation 1, 2, 3, ... without gaps, and seq order is the order everyone sees (Reef IM protocol v1,
 * "Conversations and order"), so a device's deliveries of a conversation should rise one by one:
 * <ul>
 *     <li>out of order: a seq below one already seen, and not seen itself (a repeat is not disorder);</li>
 *     <li>repeats: a seq seen before (the protocol allows them only where a PUBACK was lost);</li>
 *     <li>gaps: seqs between the lowest and the highest seen that never came, i.e. stored messages this device
 *     missed, whoever sent them;</li>
 *     <li>unnumbered: message events without a seq, or with one millions away from the others.</li>
 * </ul>
 * Only what the device saw counts: a clean session starts wherever the conversation stands. Written by the device's
 * event loop, read by the main thread.
 */
public final class ConversationOrder {

    /** A seq this far from the first one seen is not a plausible number of this run's conversation. */
    static final long MAX_SPAN = 1 << 24;

    private final Map<String, Track> conversations = new HashMap<>();
    private long outOfOrder;
    private long repeats;
    private long unnumbered;

    public synchronized void record(String conversation, long seq) {
        if (conversation == null || seq < 1) {
            unnumbered++;
            return;
        }
        Track track = conversations.get(conversation);
        if (track == null) {
            conversations.put(conversation, new Track(seq));
            return;
        }
        if (Math.abs(seq - track.base) > MAX_SPAN) {
            unnumbered++;
            return;
        }
        if (track.seen(seq)) {
            repeats++;
            return;
        }
        if (seq < track.highest) {
            outOfOrder++;
        }
        track.add(seq);
    }

    public synchronized long outOfOrder() {
        return outOfOrder;
    }

    public synchronized long repeats() {
        return repeats;
    }

    public synchronized long unnumbered() {
        return unnumbered;
    }

    /** Seqs missing between the lowest and the highest seen, over all conversations. */
    public synchronized long gaps() {
        long gaps = 0;
        for (Track track : conversations.values()) {
            gaps += track.highest - track.base + 1 - track.seen.cardinality();
        }
        return gaps;
    }

    /** The seqs of one conversation, as bits from the lowest seen. */
    private static final class Track {
        private long base;
        private long highest;
        private BitSet seen = new BitSet();

        Track(long first) {
            base = first;
            highest = first;
            seen.set(0);
        }

        boolean seen(long seq) {
            return seq >= base && seen.get((int) (seq - base));
        }

        void add(long seq) {
            if (seq < base) {
                BitSet moved = new BitSet();
                int shift = (int) (base - seq);
                seen.stream().forEach(bit -> moved.set(bit + shift));
                seen = moved;
                base = seq;
            }
            seen.set((int) (seq - base));
            highest = Math.max(highest, seq);
        }
    }
}
