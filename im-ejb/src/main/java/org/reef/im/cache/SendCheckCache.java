package org.reef.im.cache;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
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
 * node. A value read from the database is kept only if no invalidation happened while it was being read (the
 * {@link #generation()} taken before the read is unchanged after the value is stored; otherwise it is removed again),
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

    /** Take it before reading from the database what is then {@code put} here. */
    public long generation() {
        return generation.get();
    }

    /** Whether the account is disabled; null if not known here (read it). */
    public Boolean disabled(String username) {
        return fresh(disabled, username);
    }

    /** Whom the user blocks; null if not known here (read it). */
    public Set<String> blockedBy(String username) {
        return fresh(blocks, username);
    }

    /** Keeps what was read (accounts that exist, with their flag), unless something changed since {@code readAt}. */
    public void putAccounts(Map<String, Boolean> read, long readAt) {
        put(disabled, read, readAt);
    }

    /** Keeps whom each of these users blocks (every one of them, also those who block nobody). */
    public void putBlocks(Map<String, Set<String>> read, long readAt) {
        put(blocks, read, readAt);
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

    private <T> T fresh(ConcurrentMap<String, Entry<T>> map, String key) {
        Entry<T> entry = map.get(key);
        if (entry == null || System.nanoTime() - entry.loadedAt() > TTL_NANOS) {
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        return entry.value();
    }

    private <T> void put(ConcurrentMap<String, Entry<T>> map, Map<String, T> read, long readAt) {
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
