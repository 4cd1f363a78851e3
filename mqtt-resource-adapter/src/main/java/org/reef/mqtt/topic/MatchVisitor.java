package org.reef.mqtt.topic;

/**
 * Receives the subscriptions that match a topic name, from {@link SubscriptionTree#match}.
 *
 * <p>Every matching subscription is visited, including several of one subscriber through overlapping filters:
 * MQTT 5.0 section 3.3.4 [MQTT-3.3.4-2] (3.1.1 section 3.3.5) requires delivery with the highest QoS of the
 * matching subscriptions and allows one copy per subscription; that choice (and subscription identifiers,
 * No Local, ...) belongs to the caller. Calls happen on the
 * matching thread and under no lock, so a visit may be slow or even change the tree (say, to drop an expired
 * session); a subscription changed during the match is seen either before or after the change.
 *
 * @param <V> what the tree stores per subscription
 */
@FunctionalInterface
public interface MatchVisitor<V> {

    /**
     * An ordinary (not shared) subscription matches.
     *
     * @param filter the filter as subscribed, or for the default {@link #visitShared} the group's
     *               {@code $share/...} filter
     */
    void visit(String subscriberId, String filter, V value);

    /**
     * A shared subscription matches: the message goes to one member of the group (MQTT 5.0 section 4.8.2).
     * The default delivers to the next member in round-robin order through {@link #visit}; override it to skip
     * offline members with {@link SharedGroup#rotation()}. The group may have become empty concurrently.
     */
    default void visitShared(SharedGroup<V> group) {
        SharedGroup.Member<V> member = group.pick();
        if (member != null) {
            visit(member.subscriberId(), group.topicFilter(), member.value());
        }
    }
}
