package org.reef.mqtt.session;

import org.reef.mqtt.api.MqttSharedPlacement;
import org.reef.mqtt.topic.MatchVisitor;
import org.reef.mqtt.topic.SharedGroup;
import org.reef.mqtt.topic.SubscriptionTree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Routes application messages to the sessions whose subscriptions match their topic.
 *
 * <p>A client with several overlapping subscriptions gets the message once, with the highest QoS they grant and the
 * Subscription Identifiers of all of them (MQTT 5.0 section 3.3.4). No Local subscriptions skip the publisher's own
 * messages; Retain As Published keeps the RETAIN flag. A shared subscription group gets the message once, on its next
 * online member in turn, or on an offline one (queued) if none is online (MQTT 5.0 section 4.8.2).
 */
public final class MessageRouter {

    private final SubscriptionTree<Subscription> subscriptions = new SubscriptionTree<>();
    private final SessionRegistry sessions;
    /** Which broker of a cluster delivers to a shared group (null: this one, always). */
    private volatile MqttSharedPlacement placement;

    public MessageRouter(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    /** Adds or replaces a client's subscription; returns the one it replaced, or null. */
    public Subscription subscribe(Subscription subscription) {
        return subscriptions.subscribe(subscription.filter(), subscription.clientId(), subscription);
    }

    /**
     * Adds or replaces a client's subscription unless {@code maxSubscribers} other sessions hold its filter already;
     * checked and added atomically (see {@link SubscriptionTree#subscribe(String, String, Object, int)}).
     *
     * @param maxSubscribers 0 or negative for no limit
     */
    public SubscriptionTree.Admission<Subscription> subscribe(Subscription subscription, int maxSubscribers) {
        return subscriptions.subscribe(subscription.filter(), subscription.clientId(), subscription, maxSubscribers);
    }

    /** How many sessions hold a subscription to exactly this filter (string equality, as subscribed). */
    public int subscriberCount(String filter) {
        return subscriptions.subscriberCount(filter);
    }

    /** Whether a client's session holds a subscription to exactly this filter. */
    public boolean isSubscribed(String clientId, String filter) {
        return subscriptions.isSubscribed(filter, clientId);
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

    /** Delivers a message to every matching subscriber; returns the number of sessions it was handed to. */
    public int route(PublishMessage message) {
        return route(message, null);
    }

    /** Like {@link #route(PublishMessage)}, skipping one client (or none when null). */
    public int route(PublishMessage message, String exceptClientId) {
        return route(message, exceptClientId, newKey());
    }

    /** A new message key: what a cluster's brokers agree on to place a message's shared deliveries. */
    public static long newKey() {
        return ThreadLocalRandom.current().nextLong();
    }

    /** Installs where shared deliveries are placed in a cluster (null: every one here). */
    public void placeSharedWith(MqttSharedPlacement newPlacement) {
        this.placement = newPlacement;
    }

    /** The shared subscriptions ({@code $share/g/f}) that have members here. */
    public List<String> sharedFilters() {
        return subscriptions.sharedFilters();
    }

    /**
     * Like {@link #route(PublishMessage, String)}, with the message's key for the placement of shared deliveries
     * ({@link MqttSharedPlacement}): the same key on every broker of a cluster that routes this message.
     */
    public int route(PublishMessage message, String exceptClientId, long key) {
        MqttSharedPlacement placer = placement;
        Map<String, Target> targets = new HashMap<>();
        int[] shared = {0};
        subscriptions.match(message.topic(), new MatchVisitor<>() {
            @Override
            public void visit(String subscriberId, String filter, Subscription subscription) {
                SubscriptionOptions options = subscription.options();
                if ((options.noLocal() && subscriberId.equals(message.publisherId()))
                        || subscriberId.equals(exceptClientId)) {
                    return;
                }
                targets.computeIfAbsent(subscriberId, id -> new Target()).add(options, message);
            }

            @Override
            public void visitShared(SharedGroup<Subscription> group) {
                if (placer != null && !placedHere(placer, group, key)) {
                    return; // another broker of the cluster delivers it to the group
                }
                if (deliverToOneOf(group, message)) {
                    shared[0]++;
                }
            }
        });
        int delivered = shared[0];
        for (Map.Entry<String, Target> entry : targets.entrySet()) {
            Session session = sessions.get(entry.getKey());
            if (session != null) {
                session.send(entry.getValue().delivery(message));
                delivered++;
            }
        }
        return delivered;
    }

    private static boolean placedHere(MqttSharedPlacement shared, SharedGroup<Subscription> group, long key) {
        try {
            return shared.deliverHere(group.topicFilter(), key);
        } catch (RuntimeException e) {
            return true; // better twice than never
        }
    }

    private boolean deliverToOneOf(SharedGroup<Subscription> group, PublishMessage message) {
        Session fallback = null;
        Subscription fallbackSubscription = null;
        for (SharedGroup.Member<Subscription> member : group.rotation()) {
            Session session = sessions.get(member.subscriberId());
            if (session == null) {
                continue;
            }
            if (session.isOnline()) {
                session.send(single(message, member.value().options()));
                return true;
            }
            if (fallback == null) {
                fallback = session;
                fallbackSubscription = member.value();
            }
        }
        if (fallback != null) {
            fallback.send(single(message, fallbackSubscription.options()));
            return true;
        }
        return false;
    }

    private static Delivery single(PublishMessage message, SubscriptionOptions options) {
        List<Integer> ids = options.subscriptionId() > 0 ? List.of(options.subscriptionId()) : List.of();
        return new Delivery(message, Math.min(message.qos(), options.qos()),
                options.retainAsPublished() && message.retain(), ids);
    }

    /** The merged options of one client's matching subscriptions. */
    private static final class Target {
        private int qos = -1;
        private boolean retain;
        private List<Integer> ids;

        void add(SubscriptionOptions options, PublishMessage message) {
            qos = Math.max(qos, options.qos());
            retain |= options.retainAsPublished() && message.retain();
            if (options.subscriptionId() > 0) {
                if (ids == null) {
                    ids = new ArrayList<>(2);
                }
                ids.add(options.subscriptionId());
            }
        }

        Delivery delivery(PublishMessage message) {
            return new Delivery(message, Math.min(message.qos(), qos), retain, ids);
        }
    }
}
