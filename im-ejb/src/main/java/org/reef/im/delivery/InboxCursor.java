package org.reef.im.delivery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * A device's place in its user's inbox, guarded by {@link #lock}. Nobody waits for a cursor that is being pumped:
 * whoever finds it busy marks it {@link #dirty}, and the holder pumps again before letting go.
 *
 * <p>It knows exactly which deliveries are outstanding, so that a position the broker dropped (a full queue) is
 * sent again and never counted as received: the confirmed position, the one written to the database and where
 * the device resumes, is the last position before the lowest one not known to be acknowledged.
 *
 * <p>It also times live deliveries for {@code reef_im_delivery_seconds}: the commit time of the last {@link #TIMED}
 * positions delivered straight after their commit is kept in two small arrays (indexed by position, so recording
 * and looking up cost no allocation and no lock beyond the cursor's own), and when such a position's acknowledgement
 * is applied, the time from commit to then goes to {@link #deliveryNanos}. A position whose slot was reused (more
 * than {@link #TIMED} in flight) is simply not timed.
 */
final class InboxCursor {

    final ReentrantLock lock = new ReentrantLock();
    volatile boolean dirty;
    /** Waiting in the pump's queue (so that it waits there once). */
    final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
    /** Acknowledged positions reported while the cursor may be busy; its holder applies them. */
    final Queue<Long> acked = new ConcurrentLinkedQueue<>();
    /** Positions the broker dropped, likewise. */
    final Queue<Long> dropped = new ConcurrentLinkedQueue<>();
    /** Positions whose event was too large for the device, likewise. */
    final Queue<Long> oversized = new ConcurrentLinkedQueue<>();
    /** Oversized positions to send a small stand-in for; the holder sends them. */
    final List<Long> toReplace = new ArrayList<>();
    /** Positions whose stand-in is on its way. */
    final Set<Long> replaced = new HashSet<>();
    /** Live deliveries timed at once per device (a power of two). */
    static final int TIMED = 16;
    private final long[] timedPositions = new long[TIMED];
    private final long[] committedNanos = new long[TIMED];
    /** Told the commit-to-acknowledgement time of each timed delivery; holder only. */
    private final LongConsumer deliveryNanos;
    final String clientId;
    final String username;
    /** The last position handed to the broker (or skipped: the device's own messages). */
    long sent;
    /** Positions delivered and not yet acknowledged. */
    final NavigableSet<Long> outstanding = new TreeSet<>();
    /** Every position up to this one was acknowledged or needs no delivery. */
    long confirmed;
    /** The last confirmed position handed over for writing. */
    long recorded;
    /** The connection the device is active on, or null while it is away. */
    String connectionId;

    InboxCursor(String clientId, String username, long start) {
        this(clientId, username, start, nanos -> { });
    }

    InboxCursor(String clientId, String username, long start, LongConsumer deliveryNanos) {
        this.deliveryNanos = deliveryNanos;
        this.clientId = clientId;
        this.username = username;
        this.sent = start;
        this.confirmed = start;
        this.recorded = start;
    }

    boolean active() {
        return connectionId != null;
    }

    /** Remembers when the entry at {@code position}, delivered now, was committed. Holder only. */
    void timed(long position, long committedAtNanos) {
        int slot = (int) (position & (TIMED - 1));
        timedPositions[slot] = position;
        committedNanos[slot] = committedAtNanos;
    }

    /** Applies the reports that arrived; a drop rewinds the cursor to resend from the dropped position. Holder only. */
    void settle() {
        Long position;
        long now = 0;
        while ((position = acked.poll()) != null) {
            outstanding.remove(position);
            replaced.remove(position);
            int slot = (int) (position & (TIMED - 1));
            if (timedPositions[slot] == position) {
                timedPositions[slot] = 0; // positions start at 1: 0 is never acknowledged
                if (now == 0) {
                    now = System.nanoTime();
                }
                deliveryNanos.accept(now - committedNanos[slot]);
            }
        }
        while ((position = oversized.poll()) != null) {
            if (replaced.remove(position)) {
                outstanding.remove(position); // not even the stand-in fits: nothing more to send
            } else {
                toReplace.add(position);
            }
        }
        long lowestDropped = Long.MAX_VALUE;
        while ((position = dropped.poll()) != null) {
            outstanding.remove(position);
            lowestDropped = Math.min(lowestDropped, position);
        }
        if (lowestDropped <= sent) {
            sent = lowestDropped - 1;
        }
        long safe = outstanding.isEmpty() ? sent : Math.min(sent, outstanding.first() - 1);
        confirmed = Math.max(confirmed, safe);
    }

    /** Forgets what is in flight and resends everything not confirmed. Holder only. */
    void resynchronize() {
        settle();
        outstanding.clear();
        toReplace.clear();
        replaced.clear();
        sent = confirmed;
    }
}
