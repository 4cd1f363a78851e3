package org.reef.mqtt.session;

import org.reef.mqtt.topic.SharedGroup;
import org.reef.mqtt.topic.SubscriptionTree;

import java.util.HashMap;
import java.util.Map;

/**
 * Routes application messages to the sessions whose subscriptions match their topic.
 *
 * <p>A client with several overlapping subscriptions gets the message once, with the highest QoS its matching
 * subscriptions grant (MQTT 3.1.1 section 3.3.5 allows this; MQTT 5 section 3.3.4 too for non-shared ones). A shared
 * subscription group gets it once, on one of its connected members in turn.
 */
public final class MessageRouter {

    private final SubscriptionTree<Subscription> subscriptions = new SubscriptionTree<>();
    private final SessionRegistry sessions;

    public MessageRouter(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    /** Adds or replaces a client's subscription; returns whether it replaced an existing one. */
    public boolean subscribe(Subscription subscription) {
        return subscriptions.subscribe(subscription.filter(), subscription.clientId(), subscription) != null;
    }

    /** Removes a client's subscription; returns whether it existed. */
    public boolean unsubscribe(String clientId, String filter) {
        return subscriptions.unsubscribe(filter, clientId) != null;
    }

    /** Removes every subscription of a client (its session ended). */
    public void unsubscribeAll(String clientId) {
        subscriptions.unsubscribeAll(clientId);
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }

    /**
     * Delivers a message to every matching subscriber; returns the number of sessions it was handed to.
     */
    public int route(PublishMessage message) {
        Map<String, Integer> targets = new HashMap<>();
        subscriptions.match(message.topic(), new org.reef.mqtt.topic.MatchVisitor<>() {
            @Override
            public void visit(String subscriberId, String filter, Subscription subscription) {
                targets.merge(subscriberId, subscription.qos(), Math::max);
            }

            @Override
            public void visitShared(SharedGroup<Subscription> group) {
                deliverToOneOf(group, message);
            }
        });
        int delivered = 0;
        for (Map.Entry<String, Integer> target : targets.entrySet()) {
            Session session = sessions.get(target.getKey());
            if (session != null) {
                session.send(message, Math.min(message.qos(), target.getValue()));
                delivered++;
            }
        }
        return delivered;
    }

    private void deliverToOneOf(SharedGroup<Subscription> group, PublishMessage message) {
        for (SharedGroup.Member<Subscription> member : group.rotation()) {
            Session session = sessions.get(member.subscriberId());
            if (session != null) {
                session.send(message, Math.min(message.qos(), member.value().qos()));
                return;
            }
        }
    }
}
