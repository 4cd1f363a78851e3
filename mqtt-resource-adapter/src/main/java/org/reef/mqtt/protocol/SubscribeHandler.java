package org.reef.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.broker.SysTopics;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.session.Delivery;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.session.Subscription;
import org.reef.mqtt.session.SubscriptionOptions;
import org.reef.mqtt.topic.SubscriptionTree;
import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttSubscriptionRequest;
import org.reef.mqtt.inflow.MqttActivation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handles SUBSCRIBE and UNSUBSCRIBE (MQTT 3.1.1 sections 3.8 and 3.10, MQTT 5.0 sections 3.8 and 3.10): validates
 * filters and options, records the subscriptions in the session and the routing tree, answers SUBACK/UNSUBACK, and
 * then sends the retained messages the new subscriptions match, as Retain Handling asks.
 *
 * <p>An application that guards a namespace may accept a subscription with conditions
 * ({@link MqttAck#acceptedForConnection}): a subscriber limit, which the routing tree checks as it adds the
 * subscription (0x97 Quota exceeded beyond it), and a lifetime bound to this connection, which
 * {@link SessionLifecycle} ends with the connection.
 */
final class SubscribeHandler {

    private static final Logger LOG = Logger.getLogger(SubscribeHandler.class.getName());
    private static final long MAX_SUBSCRIPTION_ID = 268_435_455L;

    private final MqttBroker broker;
    private final ConnectionControl control;

    SubscribeHandler(MqttBroker broker, ConnectionControl control) {
        this.broker = broker;
        this.control = control;
    }

    void subscribe(ChannelHandlerContext ctx, Connection connection, MqttSubscribeMessage subscribe) {
        int packetId = subscribe.idAndPropertiesVariableHeader().messageId();
        MqttProperties properties = connection.isV5() ? subscribe.idAndPropertiesVariableHeader().properties()
                : MqttProperties.NO_PROPERTIES;
        Long subscriptionId = Properties5.integer(properties, MqttPropertyType.SUBSCRIPTION_IDENTIFIER);
        if (subscriptionId != null && (subscriptionId == 0 || subscriptionId > MAX_SUBSCRIPTION_ID)) {
            control.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "subscription identifier out of range");
            return;
        }
        List<MqttTopicSubscription> requests = subscribe.payload().topicSubscriptions();
        if (requests.isEmpty()) {
            control.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "SUBSCRIBE without filters");
            return;
        }
        if (requests.size() > broker.config().limits().maxFiltersPerSubscribe()) {
            refuseWhole(ctx, connection, packetId, requests.size());
            return;
        }
        for (MqttTopicSubscription request : requests) {
            if (Topics.isShared(request.topicFilter()) && request.option().isNoLocal()) {
                // MQTT 5.0 section 3.8.3.1: No Local on a shared subscription is a protocol error [MQTT-3.8.3-4]
                control.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "No Local on a shared subscription");
                return;
            }
        }
        int[] codes = new int[requests.size()];
        List<CompletableFuture<MqttAck>> verdicts = new ArrayList<>(requests.size());
        boolean needsContainer = false;
        for (int i = 0; i < codes.length; i++) {
            MqttTopicSubscription request = requests.get(i);
            if (!validFilter(connection, request.topicFilter())) {
                codes[i] = connection.isV5() ? ReasonCodes.TOPIC_FILTER_INVALID : ReasonCodes.UNSPECIFIED_ERROR;
                verdicts.add(null);
                continue;
            }
            if (broker.reserved().refusesFilter(request.topicFilter())) {
                // Security review F12: nothing guards the application's namespace yet.
                broker.metrics().subscriptionRefused();
                codes[i] = connection.isV5() ? ReasonCodes.NOT_AUTHORIZED : ReasonCodes.UNSPECIFIED_ERROR;
                verdicts.add(null);
                continue;
            }
            if (SysTopics.isSysFilter(request.topicFilter()) && !maySubscribeToSys(connection)) {
                // The broker's own $SYS/ topics: for administrators, and anonymous clients where they are allowed.
                broker.metrics().subscriptionRefused();
                LOG.log(Level.FINE, "Client {0}: subscription to {1} refused: $SYS is for administrators",
                        new Object[]{LogSafe.text(connection.clientId), LogSafe.text(request.topicFilter())});
                codes[i] = connection.isV5() ? ReasonCodes.NOT_AUTHORIZED : ReasonCodes.UNSPECIFIED_ERROR;
                verdicts.add(null);
                continue;
            }
            CompletableFuture<MqttAck> verdict = authorize(connection, request);
            needsContainer |= !verdict.isDone();
            verdicts.add(verdict);
        }
        if (!needsContainer) {
            complete(ctx, connection, packetId, requests, codes, verdicts, subscriptionId);
            return;
        }
        control.pause(ctx);
        CompletableFuture.allOf(verdicts.stream().filter(v -> v != null).toArray(CompletableFuture[]::new))
                .whenComplete((ignored, failure) -> ctx.executor().execute(() -> {
                    // After a takeover the session belongs to the newer connection: this one changes nothing.
                    if (ctx.channel().isActive() && !connection.takenOver) {
                        complete(ctx, connection, packetId, requests, codes, verdicts, subscriptionId);
                    }
                    control.resume(ctx);
                }));
    }

    /**
     * Who may read {@code $SYS/}: an administrator (as the connection listener said at CONNECT), and an anonymous
     * client when anonymous access is allowed at all (like Mosquitto, where anyone admitted may read it).
     */
    private boolean maySubscribeToSys(Connection connection) {
        return connection.administrator || (connection.username == null && broker.config().allowAnonymous());
    }

    /**
     * A SUBSCRIBE with more filters than the server takes in one packet (security review F6) changes nothing and asks
     * no one: every filter is refused with 0x97 Quota exceeded (MQTT 5.0 section 3.9.3), or 0x80 Failure for MQTT
     * 3.1.x, which has no other refusal.
     */
    private void refuseWhole(ChannelHandlerContext ctx, Connection connection, int packetId, int filters) {
        broker.metrics().subscriptionRefused();
        LOG.log(Level.FINE, "Client {0}: SUBSCRIBE with {1} filters refused (at most {2})",
                new Object[]{LogSafe.text(connection.clientId), filters, broker.config().limits().maxFiltersPerSubscribe()});
        int[] codes = new int[filters];
        java.util.Arrays.fill(codes, connection.isV5() ? ReasonCodes.QUOTA_EXCEEDED : ReasonCodes.UNSPECIFIED_ERROR);
        ctx.writeAndFlush(MqttReplies.subAck(packetId, codes));
    }

    /**
     * Asks every endpoint guarding a namespace the filter reaches into; the first refusal wins, and the conditions of
     * several acceptances add up (connection-scoped if any says so, the smallest subscriber limit).
     */
    private CompletableFuture<MqttAck> authorize(Connection connection, MqttTopicSubscription request) {
        List<MqttActivation> guards = broker.connectionEvents().guardsOf(request.topicFilter());
        CompletableFuture<MqttAck> verdict = CompletableFuture.completedFuture(MqttAck.ACCEPTED);
        MqttSubscriptionRequest question = new MqttSubscriptionRequest(connection.clientId, connection.username,
                request.topicFilter(), request.qualityOfService().value(), connection.persistent,
                connection.sessionResumed, connection.connectionId);
        for (MqttActivation guard : guards) {
            verdict = verdict.thenCompose(previous -> previous.accepted()
                    ? connection.containerCalls.submit(
                            () -> broker.connectionEvents().authorize(guard, question).toCompletableFuture())
                            .thenApply(next -> next.accepted() ? both(previous, next) : next)
                    : CompletableFuture.completedFuture(previous));
        }
        return verdict;
    }

    /** Two acceptances: the stricter conditions of both. */
    private static MqttAck both(MqttAck first, MqttAck second) {
        if (first == MqttAck.ACCEPTED) {
            return second;
        }
        int a = first.maxSubscribers();
        int b = second.maxSubscribers();
        int limit = a == 0 ? b : b == 0 ? a : Math.min(a, b);
        return new MqttAck(ReasonCodes.SUCCESS, null, first.connectionScoped() || second.connectionScoped(), limit);
    }

    private void complete(ChannelHandlerContext ctx, Connection connection, int packetId,
                          List<MqttTopicSubscription> requests, int[] codes,
                          List<CompletableFuture<MqttAck>> verdicts, Long subscriptionId) {
        Session session = connection.session;
        List<Runnable> retainedDeliveries = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            CompletableFuture<MqttAck> verdict = verdicts.get(i);
            if (verdict == null) {
                continue; // invalid filter, code already set
            }
            MqttAck ack = verdict.isCompletedExceptionally() ? null : verdict.join();
            if (ack == null || !ack.accepted()) {
                broker.metrics().subscriptionRefused();
                LOG.log(Level.FINE, "Client {0}: subscription to {1} refused",
                        new Object[]{LogSafe.text(connection.clientId), LogSafe.text(requests.get(i).topicFilter())});
                codes[i] = !connection.isV5() ? ReasonCodes.UNSPECIFIED_ERROR
                        : ack == null ? ReasonCodes.UNSPECIFIED_ERROR : ack.reasonCode();
                continue;
            }
            MqttTopicSubscription request = requests.get(i);
            String filter = request.topicFilter();
            if (!session.subscriptions().containsKey(filter)
                    && session.subscriptions().size() >= broker.config().limits().maxSubscriptionsPerSession()) {
                // Security review F4: a new subscription beyond the session's quota; replacing one is always allowed.
                broker.metrics().subscriptionRefused();
                LOG.log(Level.FINE, "Client {0}: subscription refused: the session holds {1} already",
                        new Object[]{LogSafe.text(connection.clientId), session.subscriptions().size()});
                codes[i] = connection.isV5() ? ReasonCodes.QUOTA_EXCEEDED : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            MqttSubscriptionOption option = request.option();
            int qos = option.qos().value();
            SubscriptionOptions options = new SubscriptionOptions(qos, option.isNoLocal(), option.isRetainAsPublished(),
                    option.retainHandling().value(), subscriptionId == null ? 0 : subscriptionId.intValue());
            Subscription subscription = new Subscription(connection.clientId, filter, options);
            SubscriptionTree.Admission<Subscription> admission =
                    broker.router().subscribe(subscription, ack.maxSubscribers());
            if (!admission.admitted()) {
                // MQTT 5.0 section 3.9.3: 0x97 Quota exceeded; MQTT 3.1.1 has only 0x80 Failure
                broker.metrics().subscriptionRefused();
                LOG.log(Level.FINE, "Client {0}: subscription to {1} refused: {2} subscribers already",
                        new Object[]{LogSafe.text(connection.clientId), LogSafe.text(filter), ack.maxSubscribers()});
                codes[i] = connection.isV5() ? ReasonCodes.QUOTA_EXCEEDED : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            Subscription previous = admission.replaced();
            session.subscriptions().put(filter, subscription);
            if (ack.connectionScoped()) {
                connection.connectionScoped.add(filter);
                session.persistUnsubscribed(filter); // it ends with the connection: not the session's to keep
            } else {
                connection.connectionScoped.remove(filter);
                session.persistSubscribed(subscription);
            }
            codes[i] = qos;
            if (!Topics.isShared(filter)
                    && (options.retainHandling() == 0 || (options.retainHandling() == 1 && previous == null))) {
                retainedDeliveries.add(() -> sendRetained(session, filter, options));
            }
        }
        ctx.writeAndFlush(MqttReplies.subAck(packetId, codes));
        retainedDeliveries.forEach(Runnable::run);
    }

    private boolean validFilter(Connection connection, String filter) {
        BrokerConfig config = broker.config();
        try {
            Topics.validateTopicFilter(filter, config.maxTopicLength(), config.maxTopicLevels());
            return true;
        } catch (TopicException e) {
            LOG.log(Level.FINE, "Client {0}: invalid filter: {1}", new Object[]{LogSafe.text(connection.clientId), LogSafe.text(e.getMessage())});
            return false;
        }
    }

    /** MQTT 3.1.1 section 3.3.1.3: retained messages go to a new subscription with RETAIN = 1. */
    private void sendRetained(Session session, String filter, SubscriptionOptions options) {
        List<Integer> ids = options.subscriptionId() > 0 ? List.of(options.subscriptionId()) : List.of();
        // At most what the session can hold: more would only be dropped by its queue (security review F4).
        int limit = broker.config().maxQueued() + broker.config().maxInflight();
        for (PublishMessage retained : broker.retained().matching(filter, limit)) {
            session.send(new Delivery(retained, Math.min(retained.qos(), options.qos()), true, ids));
        }
    }

    void unsubscribe(ChannelHandlerContext ctx, Connection connection, MqttUnsubscribeMessage unsubscribe) {
        List<String> filters = unsubscribe.payload().topics();
        if (filters.isEmpty()) {
            control.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "UNSUBSCRIBE without filters");
            return;
        }
        Short[] codes = new Short[filters.size()];
        for (int i = 0; i < codes.length; i++) {
            String filter = filters.get(i);
            boolean existed = broker.router().unsubscribe(connection.clientId, filter);
            connection.session.subscriptions().remove(filter);
            connection.session.persistUnsubscribed(filter);
            connection.connectionScoped.remove(filter);
            codes[i] = (short) (existed ? ReasonCodes.SUCCESS : ReasonCodes.NO_SUBSCRIPTION_EXISTED);
        }
        ctx.writeAndFlush(MqttReplies.unsubAck(unsubscribe.idAndPropertiesVariableHeader().messageId(), codes,
                connection.isV5()));
    }
}
