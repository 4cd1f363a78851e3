package org.reef.im.cache;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SendCheckCacheTest {

    private final SendCheckCache cache = new SendCheckCache();
    /** What each read asked the "database" for. */
    private final List<List<String>> reads = new ArrayList<>();

    @Test
    void readsOnlyWhatItLacksAndKeepsItUntilItChanges() throws SQLException {
        Map<String, Boolean> accounts = Map.of("alice", false, "bob", true);
        assertEquals(accounts, cache.disabled(List.of("alice", "bob", "nobody"), from(accounts)));
        assertEquals(Map.of("alice", false), cache.disabled(List.of("alice", "nobody"), from(accounts)));
        assertEquals(List.of(List.of("alice", "bob", "nobody"), List.of("nobody")), reads,
                "an account is read once; a name that is no account each time");

        cache.accountChanged("bob");
        cache.disabled(List.of("alice", "bob"), from(accounts));
        assertEquals(List.of("bob"), reads.get(2), "a changed account is read again, the others are not");

        Map<String, Set<String>> blocks = Map.of("carol", Set.of("dave"), "erin", Set.of());
        assertEquals(blocks, cache.blockedBy(List.of("carol", "erin"), from(blocks)));
        assertEquals(blocks, cache.blockedBy(List.of("carol", "erin"), from(blocks)));
        cache.blocksChanged("carol");
        assertEquals(blocks, cache.blockedBy(List.of("carol", "erin"), from(blocks)));
        assertEquals(List.of(List.of("carol", "erin"), List.of("carol")), reads.subList(3, reads.size()),
                "blocking nobody is known too; a changed blocker is read again");
        // hits: alice; alice; erin, carol, erin = 5; misses: alice, bob, nobody, nobody, bob, carol, erin, carol = 8
        assertArrayEquals(new long[]{5, 8}, cache.counts(), "hits, misses");
    }

    @Test
    void aReadThatRacedAChangeIsNotKept() throws SQLException {
        // a batch reads alice's account (enabled) while an admin disables her and commits
        cache.disabled(List.of("alice"), missing -> {
            reads.add(missing);
            cache.accountChanged("alice");
            return Map.of("alice", false);
        });
        cache.disabled(List.of("alice"), from(Map.of("alice", true)));
        assertEquals(2, reads.size(), "the value read before the change must be read again");

        cache.blockedBy(List.of("bob"), missing -> {
            reads.add(missing);
            cache.blocksChanged("someone else"); // any change: the cache does not know what a read covered
            return Map.of("bob", Set.of());
        });
        cache.blockedBy(List.of("bob"), from(Map.of("bob", Set.of())));
        assertEquals(4, reads.size());
    }

    private <T> SendCheckCache.Reader<T> from(Map<String, T> database) {
        return missing -> {
            reads.add(List.copyOf(missing));
            Map<String, T> found = new java.util.HashMap<>();
            for (String key : missing) {
                if (database.containsKey(key)) {
                    found.put(key, database.get(key));
                }
            }
            return found;
        };
    }
}
