package org.reef.mqtt.topic;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One level of a {@link SubscriptionTree}: its child levels and the subscriptions whose filter ends here.
 *
 * <p>Fields change only under the tree's write lock and are read without any lock by matching threads, hence
 * volatile references to concurrent maps. The maps are created on first use and dropped again when they
 * empty: in a large tree most nodes are leaves with one subscriber, where three empty maps per node would
 * cost more than the subscriptions themselves. The wildcard children have their own fields, so matching
 * finds them without hashing.
 *
 * @param <V> what the tree stores per subscription
 */
final class TopicNode<V> {

    final TopicNode<V> parent;
    final String level;

    /** The filter that ends at this node, set (from the caller's string) before its first subscriber. */
    volatile String filter;

    /** Children for literal levels; {@code +} and {@code #} are never keys here. */
    volatile ConcurrentHashMap<String, TopicNode<V>> children;
    volatile TopicNode<V> singleLevel;
    volatile TopicNode<V> multiLevel;

    /** Ordinary subscriptions, by subscriber id. */
    volatile ConcurrentHashMap<String, V> subscribers;

    /** Shared subscriptions on this node's filter, by ShareName (MQTT 5.0 4.8.2). */
    volatile ConcurrentHashMap<String, SharedGroup<V>> groups;

    TopicNode(TopicNode<V> parent, String level) {
        this.parent = parent;
        this.level = level;
    }

    /** The child for a level of a topic filter, or null. */
    TopicNode<V> child(String childLevel) {
        if (childLevel.equals("+")) {
            return singleLevel;
        }
        if (childLevel.equals("#")) {
            return multiLevel;
        }
        ConcurrentHashMap<String, TopicNode<V>> map = children;
        return map == null ? null : map.get(childLevel);
    }

    TopicNode<V> childOrCreate(String childLevel) {
        TopicNode<V> child = child(childLevel);
        if (child != null) {
            return child;
        }
        child = new TopicNode<>(this, childLevel);
        if (childLevel.equals("+")) {
            singleLevel = child;
        } else if (childLevel.equals("#")) {
            multiLevel = child;
        } else {
            ConcurrentHashMap<String, TopicNode<V>> map = children;
            if (map == null) {
                map = new ConcurrentHashMap<>(4);
                children = map;
            }
            map.put(childLevel, child);
        }
        return child;
    }

    void removeChild(TopicNode<V> child) {
        if (child == singleLevel) {
            singleLevel = null;
        } else if (child == multiLevel) {
            multiLevel = null;
        } else {
            ConcurrentHashMap<String, TopicNode<V>> map = children;
            if (map != null && map.remove(child.level, child) && map.isEmpty()) {
                children = null;
            }
        }
    }

    V putSubscriber(String nodeFilter, String subscriberId, V value) {
        if (filter == null) {
            filter = nodeFilter;
        }
        ConcurrentHashMap<String, V> map = subscribers;
        if (map == null) {
            map = new ConcurrentHashMap<>(2);
            subscribers = map;
        }
        return map.put(subscriberId, value);
    }

    V removeSubscriber(String subscriberId) {
        ConcurrentHashMap<String, V> map = subscribers;
        if (map == null) {
            return null;
        }
        V removed = map.remove(subscriberId);
        if (map.isEmpty()) {
            subscribers = null;
        }
        return removed;
    }

    SharedGroup<V> groupOrCreate(String shareName, String groupFilter) {
        ConcurrentHashMap<String, SharedGroup<V>> map = groups;
        if (map == null) {
            map = new ConcurrentHashMap<>(2);
            groups = map;
        }
        return map.computeIfAbsent(shareName, name -> new SharedGroup<>(name, groupFilter));
    }

    V removeFromGroup(String shareName, String subscriberId) {
        ConcurrentHashMap<String, SharedGroup<V>> map = groups;
        SharedGroup<V> group = map == null ? null : map.get(shareName);
        if (group == null) {
            return null;
        }
        V removed = group.remove(subscriberId);
        if (group.isEmpty()) {
            map.remove(shareName);
            if (map.isEmpty()) {
                groups = null;
            }
        }
        return removed;
    }

    /**
     * How many subscribers hold the filter ending here: the ordinary subscribers when {@code shareName} is null,
     * else the members of that share group. Any thread.
     */
    int holderCount(String shareName) {
        if (shareName == null) {
            ConcurrentHashMap<String, V> map = subscribers;
            return map == null ? 0 : map.size();
        }
        SharedGroup<V> group = group(shareName);
        return group == null ? 0 : group.size();
    }

    /** Whether a subscriber holds the filter ending here (in the share group, when {@code shareName} is set). */
    boolean holds(String shareName, String subscriberId) {
        if (shareName == null) {
            ConcurrentHashMap<String, V> map = subscribers;
            return map != null && map.containsKey(subscriberId);
        }
        SharedGroup<V> group = group(shareName);
        return group != null && group.contains(subscriberId);
    }

    private SharedGroup<V> group(String shareName) {
        ConcurrentHashMap<String, SharedGroup<V>> map = groups;
        return map == null ? null : map.get(shareName);
    }

    /** True when nothing hangs off this node any more, so that the tree can unlink it. */
    boolean isEmpty() {
        return subscribers == null && groups == null && children == null && singleLevel == null && multiLevel == null;
    }
}
