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

/**
 * A device's place in its user's inbox, guarded by {@link #lock}. Nobody waits for a cursor that is being pumped:
 * whoever finds it busy marks it {@link #dirty}, and the holder pumps again before letting go.
 *
 * <p>It knows exactly which deliveries are outstanding, so that a position the broker dropped (a full queue) is
 * sent again and never counted as received: the confirmed position, the one written to the database and where
 * the device resumes, is the last position before the lowest one not known to be acknowledged.
 */
final class InboxCursor {

    final ReentrantLock lock = new ReentrantLock();
    volatile boolean dirty;
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
        this.clientId = clientId;
        this.username = username;
        this.sent = start;
        this.confirmed = start;
        this.recorded = start;
    }

    boolean active() {
        return connectionId != null;
    }

    /** Applies the reports that arrived; a drop rewinds the cursor to resend from the dropped position. Holder only. */
    void settle() {
        Long position;
        while ((position = acked.poll()) != null) {
            outstanding.remove(position);
            replaced.remove(position);
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
