package org.reef.mqtt.broker;

import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttSubscriptionRequest;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.protocol.ContainerCallGate;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.session.Subscription;
import org.reef.mqtt.topic.Topics;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When a guard (connection listener) activates, asks it about every existing subscription reaching into its
 * namespace and drops those it refuses (security review F12): subscriptions made while nothing guarded the namespace,
 * or approved by a guard since undeployed, are otherwise never checked again. A check that fails (the endpoint
 * threw, the container refused the work) drops the subscription too: the guard could not approve it.
 *
 * <p>Checks go to the container a few at a time, so a server with many sessions does not flood the work queue.
 */
final class SubscriptionRecheck {

    private static final Logger LOG = Logger.getLogger(SubscriptionRecheck.class.getName());

    private final MqttBroker broker;
    private final MqttActivation guard;
    private final String namespace;
    private final ContainerCallGate gate;

    SubscriptionRecheck(MqttBroker broker, MqttActivation guard) {
        this.broker = broker;
        this.guard = guard;
        this.namespace = guard.spec().getTopicFilter();
        this.gate = new ContainerCallGate(broker.config().limits().maxPendingContainerCalls());
    }

    void start() {
        if (namespace == null) {
            return; // a listener without a namespace authenticates but guards no subscription
        }
        broker.sessions().forEach(session -> session.execute(() -> recheck(session)));
    }

    /** Owner of the session only. */
    private void recheck(Session session) {
        if (session.isEnded()) {
            return;
        }
        for (Subscription subscription : List.copyOf(session.subscriptions().values())) {
            if (!Topics.overlaps(namespace, subscription.filter())) {
                continue;
            }
            MqttSubscriptionRequest question = new MqttSubscriptionRequest(session.clientId(), session.username(),
                    subscription.filter(), subscription.options().qos(), session.expiryIntervalSeconds() > 0, true,
                    null);
            gate.submit(() -> broker.connectionEvents().authorize(guard, question).toCompletableFuture())
                    .whenComplete((ack, failure) -> {
                        if (failure != null || ack == null || !ack.accepted()) {
                            session.execute(() -> drop(session, subscription, failure, ack));
                        }
                    });
        }
    }

    private void drop(Session session, Subscription subscription, Throwable failure, MqttAck ack) {
        String filter = subscription.filter();
        if (session.isEnded() || session.subscriptions().get(filter) != subscription) {
            return; // gone or replaced by a newer SUBSCRIBE, which its own check covered
        }
        broker.router().unsubscribe(session.clientId(), filter);
        session.subscriptions().remove(filter);
        broker.metrics().subscriptionRefused();
        LOG.log(failure == null ? Level.INFO : Level.WARNING,
                "Client {0}: subscription to {1} dropped: the guard of {2} {3}",
                new Object[]{LogSafe.text(session.clientId()), LogSafe.text(filter), namespace,
                        failure == null ? "refuses it (0x" + Integer.toHexString(ack == null ? 0x80 : ack.reasonCode())
                                + ")" : "could not check it: " + failure});
    }
}
