package org.reef.mqtt.topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The subscriptions of all sessions, as a trie with one node per topic filter level, matched on every PUBLISH.
 *
 * <p>A subscription is keyed by (topic filter, subscriber id): a new SUBSCRIBE with the same filter replaces
 * the existing subscription (MQTT 3.1.1 section 3.8.4 [MQTT-3.8.4-3], MQTT 5.0 section 3.8.4). Shared filters
 * {@code $share/{ShareName}/{filter}} are stored under the node of {@code filter} in a {@link SharedGroup}
 * per ShareName (MQTT 5.0 section 4.8.2). Matching follows {@link Topics}: {@code +} and {@code #} per
 * section 4.7.1, {@code x/#} also matches {@code x}, and no filter whose first level is a wildcard matches a
 * topic name starting with {@code $} [MQTT-4.7.2-1].
 *
 * <p>Concurrency: many threads match while subscriptions change less often. {@link #match} takes no lock: it
 * reads volatile node fields and {@link ConcurrentHashMap}s and sees each subscription either before or after
 * a concurrent change. Changes take one write lock for the whole tree, which makes pruning safe: with
 * per-node locks, a subscribe could land on a node that a concurrent unsubscribe is unlinking, and be lost.
 * A change costs one pass over the filter's levels, so the lock is held for microseconds. Empty nodes are
 * unlinked at once, so memory follows the live subscriptions, not the churn.
 *
 * <p>Matching recurses once per level of the deepest matching filter, so the tree refuses filters deeper
 * than {@code maxLevels}: a filter of 30 000 {@code +} levels could otherwise overflow a matching thread's
 * stack. Topic names need no such limit, as matching descends only where filters exist.
 *
 * @param <V> what is stored per subscription (for example the granted QoS and options); never null
 */
public final class SubscriptionTree<V> {

    /** The default depth limit: far above real topic trees, far below what a thread stack holds. */
    public static final int DEFAULT_MAX_LEVELS = 1024;

    private final TopicNode<V> root = new TopicNode<>(null, "");
    private final int maxLevels;
    private final Object writeLock = new Object();

    /** The filters of each subscriber, as subscribed, for {@link #unsubscribeAll}; guarded by writeLock. */
    private final Map<String, Set<String>> filtersBySubscriber = new HashMap<>();

    /** Written under writeLock only. */
    private volatile int size;

    public SubscriptionTree() {
        this(DEFAULT_MAX_LEVELS);
    }

    /**
     * @param maxLevels the most levels a filter (after any ShareName) may have; 0 for no limit, which is safe
     *                  only if every filter was validated with a limit before
     */
    public SubscriptionTree(int maxLevels) {
        if (maxLevels < 0) {
            throw new IllegalArgumentException("maxLevels must be 0 (no limit) or positive: " + maxLevels);
        }
        this.maxLevels = maxLevels;
    }

    /**
     * Adds or replaces the subscription of {@code subscriberId} to {@code filter}.
     *
     * @return the value it replaced, or {@code null} if the subscription is new
     * @throws TopicException if the filter is invalid or deeper than this tree allows
     */
    public V subscribe(String filter, String subscriberId, V value) {
        return subscribe(filter, subscriberId, value, 0).replaced();
    }

    /**
     * Adds or replaces the subscription of {@code subscriberId} to {@code filter}, unless {@code maxSubscribers}
     * others already hold exactly this filter (for a shared filter: are members of its group). Checking and adding
     * happen under the write lock, so concurrent subscribers never exceed the limit; a subscriber that holds the
     * filter already replaces its subscription whatever the count, and is not counted twice. The limit needs no
     * bookkeeping of its own: a place is freed by whatever removes the subscription ({@link #unsubscribe},
     * {@link #unsubscribeAll}).
     *
     * @param maxSubscribers most subscribers holding the filter at once; 0 or negative for no limit
     * @return whether it was subscribed, and the value it replaced
     * @throws TopicException if the filter is invalid or deeper than this tree allows
     */
    public Admission<V> subscribe(String filter, String subscriberId, V value, int maxSubscribers) {
        Objects.requireNonNull(subscriberId, "subscriberId");
        Objects.requireNonNull(value, "value");
        Topics.validateTopicFilter(filter, 0, maxLevels);
        SharedFilter shared = SharedFilter.parse(filter);
        String plain = shared == null ? filter : shared.filter();
        String shareName = shared == null ? null : shared.shareName();
        synchronized (writeLock) {
            TopicNode<V> node = root;
            int start = 0;
            int end;
            do {
                end = plain.indexOf('/', start);
                node = node.childOrCreate(end < 0 ? plain.substring(start) : plain.substring(start, end));
                start = end + 1;
            } while (end >= 0);
            if (maxSubscribers > 0 && !node.holds(shareName, subscriberId)
                    && node.holderCount(shareName) >= maxSubscribers) {
                prune(node); // the walk may have created nodes for nothing
                return Admission.refused();
            }
            V previous = shared == null
                    ? node.putSubscriber(plain, subscriberId, value)
                    : node.groupOrCreate(shareName, plain).put(subscriberId, value);
            if (previous == null) {
                filtersBySubscriber.computeIfAbsent(subscriberId, id -> new HashSet<>(4)).add(filter);
                size++;
            }
            return new Admission<>(true, previous);
        }
    }

    /**
     * The outcome of a subscription with a subscriber limit.
     *
     * @param admitted whether the subscription was made (false: the limit was reached)
     * @param replaced the value the subscription replaced, or {@code null} if it is new or was not made
     * @param <V>      what the tree stores per subscription
     */
    public record Admission<V>(boolean admitted, V replaced) {

        private static final Admission<?> REFUSED = new Admission<>(false, null);

        @SuppressWarnings("unchecked")
        static <V> Admission<V> refused() {
            return (Admission<V>) REFUSED;
        }
    }

    /**
     * How many subscribers hold exactly this filter, as subscribed (for a shared filter, the members of its group);
     * 0 for a filter nobody holds, an invalid one included. Takes no lock: one pass over the filter's levels.
     */
    public int subscriberCount(String filter) {
        Place<V> place = place(filter);
        return place == null ? 0 : place.node().holderCount(place.shareName());
    }

    /** Whether {@code subscriberId} holds exactly this filter, as subscribed. Takes no lock. */
    public boolean isSubscribed(String filter, String subscriberId) {
        Place<V> place = place(filter);
        return place != null && place.node().holds(place.shareName(), subscriberId);
    }

    /**
     * Removes the subscription of {@code subscriberId} to {@code filter}, exactly as subscribed (a shared
     * filter with its {@code $share/} prefix), and unlinks the nodes left empty.
     *
     * @return the removed value, or {@code null} if there was no such subscription
     */
    public V unsubscribe(String filter, String subscriberId) {
        synchronized (writeLock) {
            Set<String> filters = filtersBySubscriber.get(subscriberId);
            if (filters == null || !filters.remove(filter)) {
                return null;
            }
            if (filters.isEmpty()) {
                filtersBySubscriber.remove(subscriberId);
            }
            return removeFromTree(filter, subscriberId);
        }
    }

    /**
     * Removes every subscription of a subscriber, for when its session state is discarded (subscriptions are
     * part of the session state, MQTT 3.1.1 and 5.0 section 4.1). Uses the per-subscriber index: one pass per
     * filter of that subscriber, not a walk of the tree.
     *
     * @return how many subscriptions were removed
     */
    public int unsubscribeAll(String subscriberId) {
        synchronized (writeLock) {
            Set<String> filters = filtersBySubscriber.remove(subscriberId);
            if (filters == null) {
                return 0;
            }
            for (String filter : filters) {
                removeFromTree(filter, subscriberId);
            }
            return filters.size();
        }
    }

    /**
     * Visits every subscription matching a topic name: each ordinary subscription through
     * {@link MatchVisitor#visit} and each matching shared group once through {@link MatchVisitor#visitShared}.
     * Takes no lock. The topic name must be valid ({@link Topics#validateTopicName}).
     */
    public void match(String topicName, MatchVisitor<V> visitor) {
        boolean dollar = !topicName.isEmpty() && topicName.charAt(0) == '$';
        matchLevel(root, topicName, 0, !dollar, visitor);
    }

    /** The number of (filter, subscriber) subscriptions, shared ones included. */
    public int size() {
        return size;
    }

    /**
     * The shared subscriptions that have members, each as subscribed ({@code $share/{ShareName}/{filter}}). Walks the
     * whole tree without a lock: a subscription added or removed meanwhile may or may not be in the list.
     */
    public List<String> sharedFilters() {
        List<String> filters = new ArrayList<>();
        forEachNode(node -> {
            ConcurrentHashMap<String, SharedGroup<V>> groups = node.groups;
            if (groups != null) {
                groups.values().forEach(group -> {
                    if (!group.isEmpty()) {
                        filters.add(group.topicFilter());
                    }
                });
            }
        });
        return filters;
    }

    /** The number of nodes, the root included, so that tests can see that empty nodes are unlinked. */
    int nodeCount() {
        synchronized (writeLock) {
            int[] count = {0};
            forEachNode(node -> count[0]++);
            return count[0];
        }
    }

    /** Visits every node of the tree, the root included, depth first. */
    private void forEachNode(Consumer<TopicNode<V>> action) {
        ArrayList<TopicNode<V>> pending = new ArrayList<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            TopicNode<V> node = pending.remove(pending.size() - 1);
            action.accept(node);
            ConcurrentHashMap<String, TopicNode<V>> children = node.children;
            if (children != null) {
                pending.addAll(children.values());
            }
            if (node.singleLevel != null) {
                pending.add(node.singleLevel);
            }
            if (node.multiLevel != null) {
                pending.add(node.multiLevel);
            }
        }
    }

    /**
     * Matches the level of {@code topic} starting at {@code start} against the children of {@code node};
     * {@code start > topic.length()} means every level has been consumed.
     */
    private void matchLevel(TopicNode<V> node, String topic, int start, boolean wildcards, MatchVisitor<V> visitor) {
        int length = topic.length();
        if (start > length) {
            visitNode(node, visitor);
            TopicNode<V> multi = node.multiLevel;
            if (multi != null) {
                visitNode(multi, visitor); // "sport/#" also matches "sport" (4.7.1.2)
            }
            return;
        }
        int end = topic.indexOf('/', start);
        if (end < 0) {
            end = length;
        }
        if (wildcards) {
            TopicNode<V> multi = node.multiLevel;
            if (multi != null) {
                visitNode(multi, visitor);
            }
            TopicNode<V> single = node.singleLevel;
            if (single != null) {
                matchLevel(single, topic, end + 1, true, visitor);
            }
        }
        ConcurrentHashMap<String, TopicNode<V>> children = node.children;
        if (children != null) {
            TopicNode<V> child = children.get(topic.substring(start, end));
            if (child != null) {
                matchLevel(child, topic, end + 1, true, visitor);
            }
        }
    }

    private void visitNode(TopicNode<V> node, MatchVisitor<V> visitor) {
        ConcurrentHashMap<String, V> subscribers = node.subscribers;
        if (subscribers != null) {
            String filter = node.filter;
            subscribers.forEach((subscriberId, value) -> visitor.visit(subscriberId, filter, value));
        }
        ConcurrentHashMap<String, SharedGroup<V>> groups = node.groups;
        if (groups != null) {
            groups.forEach((shareName, group) -> {
                if (!group.isEmpty()) {
                    visitor.visitShared(group);
                }
            });
        }
    }

    /** Removes a subscription known to exist (the per-subscriber index says so) and prunes; under writeLock. */
    private V removeFromTree(String filter, String subscriberId) {
        SharedFilter shared = SharedFilter.parse(filter);
        String plain = shared == null ? filter : shared.filter();
        TopicNode<V> node = root;
        int start = 0;
        int end;
        do {
            end = plain.indexOf('/', start);
            node = node.child(end < 0 ? plain.substring(start) : plain.substring(start, end));
            if (node == null) {
                throw new IllegalStateException("no node for subscribed filter " + Topics.quote(filter));
            }
            start = end + 1;
        } while (end >= 0);
        V removed = shared == null ? node.removeSubscriber(subscriberId) : node.removeFromGroup(shared.shareName(), subscriberId);
        if (removed == null) {
            throw new IllegalStateException("no subscription of " + subscriberId + " on " + Topics.quote(filter));
        }
        size--;
        prune(node);
        return removed;
    }

    /** Unlinks the node and its ancestors while they are empty; under writeLock. */
    private void prune(TopicNode<V> node) {
        while (node != root && node.isEmpty()) {
            node.parent.removeChild(node);
            node = node.parent;
        }
    }

    /** Where a filter, as subscribed, ends: its node and ShareName (null if not shared). */
    private record Place<V>(TopicNode<V> node, String shareName) {
    }

    /** The place of a filter, or null if no node exists for it (or it is not a valid filter); takes no lock. */
    private Place<V> place(String filter) {
        if (filter == null || filter.isEmpty()) {
            return null;
        }
        SharedFilter shared;
        try {
            shared = SharedFilter.parse(filter);
        } catch (TopicException e) {
            return null;
        }
        String plain = shared == null ? filter : shared.filter();
        TopicNode<V> node = root;
        int start = 0;
        int end;
        do {
            end = plain.indexOf('/', start);
            node = node.child(end < 0 ? plain.substring(start) : plain.substring(start, end));
            if (node == null) {
                return null;
            }
            start = end + 1;
        } while (end >= 0);
        return new Place<>(node, shared == null ? null : shared.shareName());
    }
}
