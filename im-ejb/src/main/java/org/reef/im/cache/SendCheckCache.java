package org.reef.im.cache;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every direct message reads and hardly ever changes, kept in memory: whether an account is disabled, and whom a
 * user blocks. A batch of sends then reads only what is missing here from the database, and usually nothing.
 *
 * <p>Invalidation: whoever changes an account's {@code disabled} flag or a user's blocks calls {@link #accountChanged}
 * or {@link #blocksChanged} after the change committed, on this node and (through the cluster bus) on every other
 * node. A value read from the database is kept only if no invalidation happened while it was being read (a
 * generation counter taken before the read is unchanged after the value is stored; otherwise it is removed again),
 * so a read that raced a change never outlives it. Entries also expire after {@link #TTL_SECONDS} seconds: an
 * invalidation lost between nodes (a node that did not answer in time) is corrected within that bound. Until a node
 * hears of a change, it may accept a send that the change refuses (a send racing the disable or the block), as a
 * send committed just before the change would have been.
 *
 * <p>Only accounts that exist are kept: a name that is not an account is read each time (registration then needs no
 * invalidation). Bounded: past {@link #MAX_ENTRIES} entries a map starts over.
 */
@ApplicationScoped
public class SendCheckCache {

    static final int MAX_ENTRIES = 200_000;
    static final long TTL_SECONDS = 30;
    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(TTL_SECONDS);

    private record Entry<T>(T value, long loadedAt) {
    }

    private final ConcurrentMap<String, Entry<Boolean>> disabled = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Entry<Set<String>>> blocks = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** Reads from the database what the cache lacks, for these keys (users); only keys found need be in the answer. */
    @FunctionalInterface
    public interface Reader<T> {
        Map<String, T> read(List<String> missing) throws SQLException;
    }

    /**
     * Whether each of these users is disabled, for those that exist (a name that is not an account is absent): from
     * memory, and what is not there from {@code reader} (then kept).
     */
    public Map<String, Boolean> disabled(Collection<String> usernames, Reader<Boolean> reader) throws SQLException {
        return lookUp(disabled, usernames, reader);
    }

    /**
     * Whom each of these users blocks: from memory, and what is not there from {@code reader}, which must answer for
     * every user it is asked about (an empty set for one who blocks nobody).
     */
    public Map<String, Set<String>> blockedBy(Collection<String> blockers, Reader<Set<String>> reader)
            throws SQLException {
        return lookUp(blocks, blockers, reader);
    }

    /** The account was disabled or enabled (committed). */
    public void accountChanged(String username) {
        generation.incrementAndGet();
        disabled.remove(username);
    }

    /** The user blocked or unblocked someone (committed). */
    public void blocksChanged(String blocker) {
        generation.incrementAndGet();
        blocks.remove(blocker);
    }

    /** Look-ups answered here, and look-ups that had to read the database, since the start. */
    public long[] counts() {
        return new long[]{hits.get(), misses.get()};
    }

    private <T> Map<String, T> lookUp(ConcurrentMap<String, Entry<T>> map, Collection<String> keys, Reader<T> reader)
            throws SQLException {
        Map<String, T> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        long now = System.nanoTime();
        for (String key : keys) {
            Entry<T> entry = map.get(key);
            if (entry == null || now - entry.loadedAt() > TTL_NANOS) {
                missing.add(key);
            } else {
                found.put(key, entry.value());
            }
        }
        hits.addAndGet(found.size());
        if (!missing.isEmpty()) {
            misses.addAndGet(missing.size());
            long readAt = generation.get(); // before the read: a change committed meanwhile shows as a new generation
            Map<String, T> read = reader.read(missing);
            keep(map, read, readAt);
            found.putAll(read);
        }
        return found;
    }

    /** Keeps what was read, unless a change was committed since {@code readAt} (then it may predate the change). */
    private <T> void keep(ConcurrentMap<String, Entry<T>> map, Map<String, T> read, long readAt) {
        if (read.isEmpty() || generation.get() != readAt) {
            return;
        }
        if (map.size() + read.size() > MAX_ENTRIES) {
            map.clear();
        }
        long now = System.nanoTime();
        read.forEach((key, value) -> map.put(key, new Entry<>(value, now)));
        if (generation.get() != readAt) { // a change committed while these were stored: they may predate it
            removeAll(map, read.keySet());
        }
    }

    private static <T> void removeAll(ConcurrentMap<String, Entry<T>> map, Collection<String> keys) {
        keys.forEach(map::remove);
    }
}
