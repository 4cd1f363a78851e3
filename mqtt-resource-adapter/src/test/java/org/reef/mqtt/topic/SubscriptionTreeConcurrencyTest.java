package org.reef.mqtt.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many threads matching while others subscribe and unsubscribe, and a tree of 100 000 subscriptions. */
class SubscriptionTreeConcurrencyTest {

    private static final String[] FILTERS = {"a", "a/b", "a/b/c", "a/+", "a/+/c", "a/#", "+/b", "#", "$SYS/#",
            "$share/g/a/b", "$share/g/a/#", "$share/h/+/b/c", "x/y/z/w", "a/b/c/d/e"};
    private static final String[] TOPICS = {"a", "a/b", "a/b/c", "a/x/c", "b/b", "$SYS/a", "x/y/z/w", "a/b/c/d/e"};

    private final SubscriptionTree<Integer> tree = new SubscriptionTree<>();

    @Test
    @Timeout(60)
    void concurrentChurnWhileMatchingEndsConsistent() throws Exception {
        int writers = 4;
        int matchers = 3;
        int iterations = 20_000;
        // subscriptions that must survive the churn around them: pruning must never unlink their nodes
        for (String filter : FILTERS) {
            tree.subscribe(filter, "stable", 7);
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers + matchers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<Map<String, Integer>>> writerResults = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                writerResults.add(pool.submit(writer(w, iterations, start)));
            }
            List<Future<Long>> matcherResults = new ArrayList<>();
            for (int m = 0; m < matchers; m++) {
                matcherResults.add(pool.submit(matcher(m, writing, start)));
            }
            start.countDown();
            Map<String, Integer> expected = new HashMap<>(); // "subscriber|filter" -> value
            for (Future<Map<String, Integer>> result : writerResults) {
                expected.putAll(result.get(50, TimeUnit.SECONDS));
            }
            writing.set(false);
            for (Future<Long> result : matcherResults) {
                assertTrue(result.get(10, TimeUnit.SECONDS) > 0);
            }
            for (String filter : FILTERS) {
                expected.put("stable|" + filter, 7);
            }
            assertEquals(expected.size(), tree.size());
            for (String topic : TOPICS) {
                assertEquals(expectedMatches(expected, topic), actualMatches(topic), topic);
            }
            for (int w = 0; w < writers; w++) {
                tree.unsubscribeAll("w" + w);
            }
            tree.unsubscribeAll("stable");
            assertEquals(0, tree.size());
            assertEquals(1, tree.nodeCount());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Random subscribe/unsubscribe/unsubscribeAll by one subscriber id; returns its final subscriptions. */
    private Callable<Map<String, Integer>> writer(int w, int iterations, CountDownLatch start) {
        return () -> {
            String id = "w" + w;
            Random random = new Random(w);
            Map<String, Integer> mine = new HashMap<>();
            start.await();
            for (int i = 0; i < iterations; i++) {
                String filter = FILTERS[random.nextInt(FILTERS.length)];
                int action = random.nextInt(100);
                if (action < 55) {
                    assertEquals(mine.put(id + "|" + filter, i), tree.subscribe(filter, id, i));
                } else if (action < 99) {
                    assertEquals(mine.remove(id + "|" + filter), tree.unsubscribe(filter, id));
                } else {
                    assertEquals(mine.size(), tree.unsubscribeAll(id));
                    mine.clear();
                }
            }
            return mine;
        };
    }

    /** Matches until the writers are done; the stable subscriptions must be seen every time. */
    private Callable<Long> matcher(int m, AtomicBoolean writing, CountDownLatch start) {
        return () -> {
            start.await();
            long matched = 0;
            for (int i = m; writing.get(); i++) {
                String topic = TOPICS[i % TOPICS.length];
                long[] stable = {0};
                tree.match(topic, new MatchVisitor<>() {
                    @Override
                    public void visit(String subscriberId, String filter, Integer value) {
                        if (subscriberId.equals("stable")) {
                            stable[0]++;
                        }
                    }

                    @Override
                    public void visitShared(SharedGroup<Integer> group) {
                        if (group.members().stream().anyMatch(member -> member.subscriberId().equals("stable"))) {
                            stable[0]++;
                        }
                    }
                });
                assertEquals(expectedStable(topic), stable[0], topic);
                matched++;
            }
            return matched;
        };
    }

    private static long expectedStable(String topic) {
        long count = 0;
        for (String filter : FILTERS) {
            if (Topics.matches(filter, topic)) {
                count++;
            }
        }
        return count;
    }

    private static TreeSet<String> expectedMatches(Map<String, Integer> subscriptions, String topic) {
        TreeSet<String> result = new TreeSet<>();
        subscriptions.forEach((key, value) -> {
            String filter = key.substring(key.indexOf('|') + 1);
            if (Topics.matches(filter, topic)) {
                // every shared group here has members; the default visitShared delivers to one of them
                result.add(Topics.isShared(filter) ? "group|" + filter : key + "=" + value);
            }
        });
        return result;
    }

    private TreeSet<String> actualMatches(String topic) {
        TreeSet<String> result = new TreeSet<>();
        tree.match(topic, new MatchVisitor<>() {
            @Override
            public void visit(String subscriberId, String filter, Integer value) {
                assertTrue(result.add(subscriberId + "|" + filter + "=" + value));
            }

            @Override
            public void visitShared(SharedGroup<Integer> group) {
                assertTrue(result.add("group|" + group.topicFilter()));
            }
        });
        return result;
    }

    @Test
    @Timeout(60)
    void hundredThousandSubscriptionsMatchExactlyTheRightOne() {
        int count = 100_000;
        for (int i = 0; i < count; i++) {
            tree.subscribe("devices/" + i + "/state", "device-" + i, i);
        }
        assertEquals(count, tree.size());
        assertEquals(List.of("device-4711@devices/4711/state=4711"), matches("devices/4711/state"));
        assertEquals(List.of("device-0@devices/0/state=0"), matches("devices/0/state"));
        assertEquals(List.of(), matches("devices/4711"));
        assertEquals(List.of(), matches("devices/100000/state"));
        assertEquals(List.of(), matches("devices/4711/state/x"));

        tree.subscribe("devices/+/state", "monitor", -1);
        assertEquals(List.of("device-99999@devices/99999/state=99999", "monitor@devices/+/state=-1"),
                matches("devices/99999/state"));

        for (int i = 0; i < count; i++) {
            assertEquals(i, tree.unsubscribe("devices/" + i + "/state", "device-" + i));
        }
        assertEquals(1, tree.size());
        assertEquals(4, tree.nodeCount()); // root, devices, +, state
    }

    private List<String> matches(String topicName) {
        List<String> result = new ArrayList<>();
        tree.match(topicName, (subscriberId, filter, value) -> result.add(subscriberId + "@" + filter + "=" + value));
        result.sort(null);
        return result;
    }
}
