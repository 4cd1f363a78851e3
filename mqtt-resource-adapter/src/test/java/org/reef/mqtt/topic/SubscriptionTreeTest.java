package org.reef.mqtt.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** Subscribe, replace, unsubscribe, prune and match, against the examples of MQTT 3.1.1/5.0 section 4.7. */
class SubscriptionTreeTest {

    private final SubscriptionTree<Integer> tree = new SubscriptionTree<>();

    @Test
    void subscribeReplacesPerFilterAndSubscriber() {
        assertNull(tree.subscribe("a/b", "s1", 0));
        assertEquals(0, tree.subscribe("a/b", "s1", 1));
        assertNull(tree.subscribe("a/b", "s2", 2));
        assertNull(tree.subscribe("a/+", "s1", 2));
        assertEquals(3, tree.size());
        assertEquals(List.of("s1@a/+=2", "s1@a/b=1", "s2@a/b=2"), matches("a/b"));
    }

    @Test
    void unsubscribeRemovesOnlyThatSubscription() {
        tree.subscribe("a/b", "s1", 1);
        tree.subscribe("a/b", "s2", 2);
        tree.subscribe("a/#", "s1", 3);
        assertEquals(1, tree.unsubscribe("a/b", "s1"));
        assertNull(tree.unsubscribe("a/b", "s1"));
        assertNull(tree.unsubscribe("a/c", "s1"));
        assertNull(tree.unsubscribe("a/b", "nobody"));
        assertNull(tree.unsubscribe("$share/g", "s1")); // unknown, even if malformed: nothing to remove
        assertEquals(2, tree.size());
        assertEquals(List.of("s1@a/#=3", "s2@a/b=2"), matches("a/b"));
        assertEquals(3, tree.unsubscribe("a/#", "s1"));
        assertEquals(List.of("s2@a/b=2"), matches("a/b"));
        assertEquals(List.of(), matches("a"));
    }

    @Test
    void emptyNodesArePruned() {
        assertEquals(1, tree.nodeCount());
        tree.subscribe("a/b/c", "s1", 1);
        tree.subscribe("a/b/+", "s1", 1);
        tree.subscribe("a/#", "s2", 1);
        tree.subscribe("$share/g/a/b/c/d", "s3", 1);
        assertEquals(7, tree.nodeCount()); // root, a, b, c, +, #, d
        tree.unsubscribe("a/b/c", "s1");
        assertEquals(7, tree.nodeCount(), "c still leads to d");
        tree.unsubscribe("$share/g/a/b/c/d", "s3");
        assertEquals(5, tree.nodeCount());
        assertEquals(List.of("s1@a/b/+=1", "s2@a/#=1"), matches("a/b/c"));
        tree.unsubscribe("a/b/+", "s1");
        tree.unsubscribe("a/#", "s2");
        assertEquals(1, tree.nodeCount());
        assertEquals(0, tree.size());
        assertEquals(List.of(), matches("a/b/c"));
    }

    @Test
    void churnDoesNotGrowTheTree() {
        for (int i = 0; i < 10_000; i++) {
            tree.subscribe("clients/" + i + "/inbox/#", "c" + i, i);
            tree.subscribe("$share/workers/jobs/" + i, "c" + i, i);
            assertEquals(2, tree.unsubscribeAll("c" + i));
        }
        assertEquals(1, tree.nodeCount());
        assertEquals(0, tree.size());
    }

    @Test
    void specExamplesThroughTheTree() {
        tree.subscribe("sport/tennis/player1/#", "multi", 0);
        tree.subscribe("sport/+", "single", 0);
        tree.subscribe("+/+", "plusplus", 0);
        tree.subscribe("/+", "slashplus", 0);
        tree.subscribe("+", "plus", 0);
        tree.subscribe("#", "all", 0);
        tree.subscribe("$SYS/#", "sys", 0);
        tree.subscribe("+/monitor/Clients", "monitor", 0);
        tree.subscribe("$SYS/+/#", "sysdeep", 0);
        assertEquals(ids("multi", "all"), matchedIds("sport/tennis/player1"));
        assertEquals(ids("multi", "all"), matchedIds("sport/tennis/player1/ranking"));
        assertEquals(ids("multi", "all"), matchedIds("sport/tennis/player1/score/wimbledon"));
        assertEquals(ids("single", "plusplus", "all"), matchedIds("sport/"));
        assertEquals(ids("plus", "all"), matchedIds("sport"));
        assertEquals(ids("plusplus", "slashplus", "all"), matchedIds("/finance"));
        assertEquals(ids("monitor", "all"), matchedIds("x/monitor/Clients"));
        assertEquals(ids("sys", "sysdeep"), matchedIds("$SYS/monitor/Clients"));
        assertEquals(ids("sys"), matchedIds("$SYS"));
        assertEquals(ids(), matchedIds("$other/x"));
    }

    @Test
    void overlappingSubscriptionsOfOneSubscriberAreAllVisited() {
        tree.subscribe("a/#", "s1", 1);
        tree.subscribe("a/+", "s1", 2);
        tree.subscribe("a/b", "s1", 3);
        tree.subscribe("#", "s1", 4);
        assertEquals(List.of("s1@#=4", "s1@a/#=1", "s1@a/+=2", "s1@a/b=3"), matches("a/b"));
    }

    @Test
    void sharedGroupRoundRobinsAcrossThreeMembers() {
        tree.subscribe("$share/g/a/+", "m1", 1);
        tree.subscribe("$share/g/a/+", "m2", 2);
        tree.subscribe("$share/g/a/+", "m3", 3);
        tree.subscribe("a/b", "plain", 0);
        assertEquals(4, tree.size());
        List<String> delivered = new ArrayList<>();
        List<SharedGroup<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tree.match("a/b", new MatchVisitor<>() {
                @Override
                public void visit(String subscriberId, String filter, Integer value) {
                    delivered.add(subscriberId);
                }

                @Override
                public void visitShared(SharedGroup<Integer> group) {
                    groups.add(group);
                    delivered.add(group.pick().subscriberId());
                }
            });
        }
        assertEquals(6, groups.size(), "one visit per matching group and message");
        assertEquals("g", groups.get(0).shareName());
        assertEquals("a/+", groups.get(0).filter());
        assertEquals("$share/g/a/+", groups.get(0).topicFilter());
        delivered.removeIf("plain"::equals);
        assertEquals(List.of("m1", "m2", "m3", "m1", "m2", "m3"), delivered);
    }

    @Test
    void defaultVisitSharedDeliversToOneMemberWithTheSharedFilter() {
        tree.subscribe("$share/g/a/#", "m1", 1);
        tree.subscribe("$share/g/a/#", "m2", 2);
        assertEquals(List.of("m1@$share/g/a/#=1"), matches("a/b"));
        assertEquals(List.of("m2@$share/g/a/#=2"), matches("a"));
    }

    @Test
    void sharedGroupsAreKeyedByShareNameAndFilter() {
        tree.subscribe("$share/g/a/+", "m1", 1);
        tree.subscribe("$share/h/a/+", "m1", 2);
        tree.subscribe("$share/g/a/#", "m1", 3);
        tree.subscribe("a/+", "m1", 4);
        assertEquals(2, tree.subscribe("$share/h/a/+", "m1", 5));
        assertEquals(4, tree.size());
        assertEquals(List.of("m1@$share/g/a/#=3", "m1@$share/g/a/+=1", "m1@$share/h/a/+=5", "m1@a/+=4"),
                matches("a/b"));
        assertEquals(List.of(), matches("$SYS/b"));
    }

    @Test
    void unsubscribingTheLastMemberRemovesTheGroup() {
        tree.subscribe("$share/g/a", "m1", 1);
        tree.subscribe("$share/g/a", "m2", 2);
        assertEquals(1, tree.unsubscribe("$share/g/a", "m1"));
        assertEquals(List.of("m2@$share/g/a=2"), matches("a"));
        assertNull(tree.unsubscribe("a", "m2"), "the shared subscription is not the plain one");
        assertEquals(2, tree.unsubscribe("$share/g/a", "m2"));
        assertEquals(List.of(), matches("a"));
        assertEquals(1, tree.nodeCount());
    }

    @Test
    void pruningKeepsSiblings() {
        tree.subscribe("a/+", "single", 1);
        tree.subscribe("a/#", "multi", 1);
        tree.subscribe("a/b", "literal", 1);
        tree.subscribe("a/c", "other", 1);
        tree.unsubscribe("a/+", "single");
        assertEquals(ids("multi", "literal"), matchedIds("a/b"));
        tree.unsubscribe("a/b", "literal");
        assertEquals(ids("multi", "other"), matchedIds("a/c"));
        tree.unsubscribe("a/#", "multi");
        assertEquals(ids("other"), matchedIds("a/c"));
        assertEquals(3, tree.nodeCount());
    }

    @Test
    void unsubscribeAllLeavesOtherSubscribers() {
        tree.subscribe("a/b", "s1", 1);
        tree.subscribe("a/#", "s1", 1);
        tree.subscribe("$share/g/a/b", "s1", 1);
        tree.subscribe("a/b", "s2", 2);
        tree.subscribe("$share/g/a/b", "s2", 2);
        assertEquals(3, tree.unsubscribeAll("s1"));
        assertEquals(0, tree.unsubscribeAll("s1"));
        assertEquals(2, tree.size());
        assertEquals(List.of("s2@$share/g/a/b=2", "s2@a/b=2"), matches("a/b"));
        assertEquals(3, tree.nodeCount());
    }

    @Test
    void refusesInvalidAndTooDeepFilters() {
        assertThrows(TopicException.class, () -> tree.subscribe("a/#/b", "s", 1));
        assertThrows(TopicException.class, () -> tree.subscribe("$share//a", "s", 1));
        assertThrows(NullPointerException.class, () -> tree.subscribe("a", "s", null));
        SubscriptionTree<Integer> shallow = new SubscriptionTree<>(3);
        shallow.subscribe("a/b/c", "s", 1);
        shallow.subscribe("$share/g/a/b/c", "s", 1);
        assertThrows(TopicException.class, () -> shallow.subscribe("a/b/c/d", "s", 1));
        assertThrows(TopicException.class, () -> new SubscriptionTree<>().subscribe("+/".repeat(30_000) + "#", "s", 1));
        assertEquals(0, tree.size());
        assertEquals(1, tree.nodeCount());
    }

    @Test
    void deepTopicsMatchWithoutDescendingPastTheTree() {
        tree.subscribe("#", "all", 1);
        tree.subscribe("a/+/#", "deep", 1);
        String deep = "a/".repeat(30_000) + "z";
        assertEquals(ids("all", "deep"), matchedIds(deep));
    }

    /** Compares the tree with {@link Topics#matches} on random filters and topics with empty and $ levels. */
    @Test
    void agreesWithTopicsMatches() {
        Random random = new Random(4711);
        String[] levels = {"a", "b", "", "$x", "+", "#"};
        List<String> filters = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String filter = randomTopic(random, levels);
            int multiLevel = filter.indexOf('#');
            if (multiLevel >= 0) {
                filter = filter.substring(0, multiLevel + 1); // '#' must be the last level
            }
            filters.add(filter);
            tree.subscribe(filter, "s" + i, i);
            if (i % 5 == 0) {
                tree.subscribe("$share/g" + i + "/" + filter, "s" + i, i);
            }
        }
        String[] topicLevels = {"a", "b", "", "$x"};
        for (int t = 0; t < 3_000; t++) {
            String topic = randomTopic(random, topicLevels);
            TreeSet<String> expected = new TreeSet<>();
            for (int i = 0; i < filters.size(); i++) {
                if (Topics.matches(filters.get(i), topic)) {
                    expected.add("s" + i + "@" + filters.get(i) + "=" + i);
                    if (i % 5 == 0) {
                        expected.add("s" + i + "@$share/g" + i + "/" + filters.get(i) + "=" + i);
                    }
                }
            }
            assertEquals(List.copyOf(expected), matches(topic), () -> "topic " + topic);
        }
    }

    private static String randomTopic(Random random, String[] levels) {
        int count = 1 + random.nextInt(4);
        StringBuilder topic = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                topic.append('/');
            }
            String level = levels[random.nextInt(levels.length)];
            topic.append(level.equals("$x") && i > 0 ? "x" : level);
        }
        return topic.length() == 0 ? randomTopic(random, levels) : topic.toString(); // the empty topic is invalid
    }

    /** "subscriber@filter=value" of every visit, sorted; shared groups through the default visitShared. */
    private List<String> matches(String topicName) {
        List<String> result = new ArrayList<>();
        tree.match(topicName, (subscriberId, filter, value) -> result.add(subscriberId + "@" + filter + "=" + value));
        result.sort(null);
        return result;
    }

    private TreeSet<String> matchedIds(String topicName) {
        TreeSet<String> result = new TreeSet<>();
        tree.match(topicName, (subscriberId, filter, value) -> assertTrue(result.add(subscriberId), subscriberId));
        return result;
    }

    private static TreeSet<String> ids(String... ids) {
        return new TreeSet<>(List.of(ids));
    }
}
