package org.reef.im.cache;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SendCheckCacheTest {

    private final SendCheckCache cache = new SendCheckCache();

    @Test
    void keepsWhatWasReadUntilItChanges() {
        assertNull(cache.disabled("alice"), "nothing known at first");
        long readAt = cache.generation();
        cache.putAccounts(Map.of("alice", false, "bob", true), readAt);
        assertEquals(false, cache.disabled("alice"));
        assertEquals(true, cache.disabled("bob"));

        cache.accountChanged("bob");
        assertNull(cache.disabled("bob"), "a changed account is read again");
        assertEquals(false, cache.disabled("alice"), "the others stay");

        cache.putBlocks(Map.of("carol", Set.of("dave"), "erin", Set.of()), cache.generation());
        assertEquals(Set.of("dave"), cache.blockedBy("carol"));
        assertEquals(Set.of(), cache.blockedBy("erin"), "blocking nobody is known too");
        cache.blocksChanged("carol");
        assertNull(cache.blockedBy("carol"));
        assertArrayEquals(new long[]{5, 3}, cache.counts(), "hits, misses");
    }

    @Test
    void aReadThatRacedAChangeIsNotKept() {
        long readAt = cache.generation(); // a batch starts reading alice's account (enabled)...
        cache.accountChanged("alice"); // ...an admin disables her and commits meanwhile
        cache.putAccounts(Map.of("alice", false), readAt);
        assertNull(cache.disabled("alice"), "the stale value must not be kept");

        long blocksReadAt = cache.generation();
        cache.blocksChanged("someone else"); // any change: the cache does not know what a read covered
        cache.putBlocks(Map.of("bob", Set.of()), blocksReadAt);
        assertNull(cache.blockedBy("bob"));
    }
}
