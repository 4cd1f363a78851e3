package org.reef.mqtt.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Subscriptions with a subscriber limit, and the per-filter queries (count, membership). */
class SubscriberLimitTest {

    private final SubscriptionTree<Integer> tree = new SubscriptionTree<>();

    @Test
    void theLimitAdmitsThatManySubscribersAndNoMore() {
        assertTrue(tree.subscribe("room/7", "s1", 1, 2).admitted());
        assertTrue(tree.subscribe("room/7", "s2", 1, 2).admitted());
        SubscriptionTree.Admission<Integer> third = tree.subscribe("room/7", "s3", 1, 2);
        assertFalse(third.admitted());
        assertNull(third.replaced());
        assertEquals(2, tree.subscriberCount("room/7"));
        assertFalse(tree.isSubscribed("room/7", "s3"));
        assertEquals(2, tree.size());
        assertTrue(tree.subscribe("room/8", "s3", 1, 2).admitted(), "the limit is per filter");
    }

    @Test
    void aSubscriberThatHoldsTheFilterReplacesItsSubscriptionAtTheLimitWithoutCountingTwice() {
        tree.subscribe("room/7", "s1", 1, 1);
        SubscriptionTree.Admission<Integer> again = tree.subscribe("room/7", "s1", 2, 1);
        assertTrue(again.admitted());
        assertEquals(1, again.replaced());
        assertEquals(1, tree.subscriberCount("room/7"));
        assertFalse(tree.subscribe("room/7", "s2", 1, 1).admitted());
    }

    @Test
    void unsubscribingFreesAPlace() {
        tree.subscribe("room/7", "s1", 1, 1);
        assertFalse(tree.subscribe("room/7", "s2", 1, 1).admitted());
        tree.unsubscribe("room/7", "s1");
        assertTrue(tree.subscribe("room/7", "s2", 1, 1).admitted());
        tree.unsubscribeAll("s2");
        assertTrue(tree.subscribe("room/7", "s3", 1, 1).admitted());
    }

    @Test
    void aRefusalLeavesNoNodeBehind() {
        tree.subscribe("a", "s1", 1, 1);
        int nodes = tree.nodeCount();
        assertFalse(tree.subscribe("a", "s2", 1, 1).admitted());
        assertEquals(nodes, tree.nodeCount());
    }

    @Test
    void zeroOrNegativeMeansNoLimit() {
        for (int i = 0; i < 5; i++) {
            assertTrue(tree.subscribe("room/7", "s" + i, 1, i % 2 == 0 ? 0 : -1).admitted());
        }
        assertEquals(5, tree.subscriberCount("room/7"));
    }

    @Test
    void aSharedFilterCountsTheMembersOfItsGroup() {
        assertTrue(tree.subscribe("$share/g/room/7", "s1", 1, 1).admitted());
        assertFalse(tree.subscribe("$share/g/room/7", "s2", 1, 1).admitted());
        assertTrue(tree.subscribe("$share/h/room/7", "s2", 1, 1).admitted(), "another group, another filter");
        assertTrue(tree.subscribe("room/7", "s2", 1, 1).admitted(), "the plain filter is another filter too");
        assertEquals(1, tree.subscriberCount("$share/g/room/7"));
        assertTrue(tree.isSubscribed("$share/h/room/7", "s2"));
        assertFalse(tree.isSubscribed("$share/g/room/7", "s2"));
    }

    @Test
    void countsAndMembershipCompareFiltersExactly() {
        tree.subscribe("chat/room/7", "alice", 1);
        tree.subscribe("chat/room/7", "bob", 1);
        tree.subscribe("chat/room/+", "carol", 1);
        tree.subscribe("chat/#", "dave", 1);
        tree.subscribe("chat/room/7/typing", "erin", 1);
        assertEquals(2, tree.subscriberCount("chat/room/7"));
        assertEquals(1, tree.subscriberCount("chat/room/+"));
        assertEquals(1, tree.subscriberCount("chat/#"));
        assertEquals(0, tree.subscriberCount("chat/room"), "an inner level of other filters");
        assertEquals(0, tree.subscriberCount("chat/room/8"));
        assertEquals(0, tree.subscriberCount("$share/x"), "malformed: nothing");
        assertEquals(0, tree.subscriberCount(""));
        assertTrue(tree.isSubscribed("chat/room/7", "alice"));
        assertFalse(tree.isSubscribed("chat/room/7", "carol"), "a wildcard that matches is not the filter");
        assertFalse(tree.isSubscribed("chat/room/7", "erin"));
        tree.unsubscribe("chat/room/7", "alice");
        assertEquals(1, tree.subscriberCount("chat/room/7"));
        assertFalse(tree.isSubscribed("chat/room/7", "alice"));
    }

    @Test
    @Timeout(60)
    void concurrentSubscribersNeverExceedTheLimit() throws Exception {
        int threads = 8;
        int limit = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                String filter = "room/" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        int admitted = 0;
                        for (int i = 0; i < 4; i++) {
                            if (tree.subscribe(filter, "s" + thread + "-" + i, 1, limit).admitted()) {
                                admitted++;
                            }
                        }
                        return admitted;
                    }));
                }
                start.countDown();
                int admitted = 0;
                for (Future<Integer> result : results) {
                    admitted += result.get(10, TimeUnit.SECONDS);
                }
                assertEquals(limit, admitted, filter);
                assertEquals(limit, tree.subscriberCount(filter), filter);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
