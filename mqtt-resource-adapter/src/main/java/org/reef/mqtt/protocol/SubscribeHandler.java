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
import org.reef.mqtt.session.Delivery;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.session.Subscription;
import org.reef.mqtt.session.SubscriptionOptions;
import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handles SUBSCRIBE and UNSUBSCRIBE (MQTT 3.1.1 sections 3.8 and 3.10, MQTT 5.0 sections 3.8 and 3.10): validates
 * filters and options, records the subscriptions in the session and the routing tree, answers SUBACK/UNSUBACK, and
 * then sends the retained messages the new subscriptions match, as Retain Handling asks.
 */
final class SubscribeHandler {

    private static final Logger LOG = Logger.getLogger(SubscribeHandler.class.getName());
    private static final long MAX_SUBSCRIPTION_ID = 268_435_455L;

    private final MqttBroker broker;
    private final Disconnector disconnector;

    SubscribeHandler(MqttBroker broker, Disconnector disconnector) {
        this.broker = broker;
        this.disconnector = disconnector;
    }

    void subscribe(ChannelHandlerContext ctx, Connection connection, MqttSubscribeMessage subscribe) {
        int packetId = subscribe.idAndPropertiesVariableHeader().messageId();
        MqttProperties properties = connection.isV5() ? subscribe.idAndPropertiesVariableHeader().properties()
                : MqttProperties.NO_PROPERTIES;
        Long subscriptionId = Properties5.integer(properties, MqttPropertyType.SUBSCRIPTION_IDENTIFIER);
        if (subscriptionId != null && (subscriptionId == 0 || subscriptionId > MAX_SUBSCRIPTION_ID)) {
            disconnector.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "subscription identifier out of range");
            return;
        }
        List<MqttTopicSubscription> requests = subscribe.payload().topicSubscriptions();
        if (requests.isEmpty()) {
            disconnector.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "SUBSCRIBE without filters");
            return;
        }
        Session session = connection.session;
        int[] codes = new int[requests.size()];
        List<Runnable> retainedDeliveries = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            MqttTopicSubscription request = requests.get(i);
            String filter = request.topicFilter();
            MqttSubscriptionOption option = request.option();
            if (!validFilter(connection, filter)) {
                codes[i] = connection.isV5() ? ReasonCodes.TOPIC_FILTER_INVALID : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            boolean shared = Topics.isShared(filter);
            if (shared && option.isNoLocal()) {
                // MQTT 5.0 section 3.8.3.1: No Local on a shared subscription is a protocol error [MQTT-3.8.3-4]
                disconnector.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "No Local on a shared subscription");
                return;
            }
            int qos = option.qos().value();
            SubscriptionOptions options = new SubscriptionOptions(qos, option.isNoLocal(), option.isRetainAsPublished(),
                    option.retainHandling().value(), subscriptionId == null ? 0 : subscriptionId.intValue());
            Subscription subscription = new Subscription(connection.clientId, filter, options);
            Subscription previous = broker.router().subscribe(subscription);
            session.subscriptions().put(filter, subscription);
            codes[i] = qos;
            if (!shared && (options.retainHandling() == 0 || (options.retainHandling() == 1 && previous == null))) {
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
            LOG.log(Level.FINE, "Client {0}: invalid filter: {1}", new Object[]{connection.clientId, e.getMessage()});
            return false;
        }
    }

    /** MQTT 3.1.1 section 3.3.1.3: retained messages go to a new subscription with RETAIN = 1. */
    private void sendRetained(Session session, String filter, SubscriptionOptions options) {
        List<Integer> ids = options.subscriptionId() > 0 ? List.of(options.subscriptionId()) : List.of();
        for (PublishMessage retained : broker.retained().matching(filter)) {
            session.send(new Delivery(retained, Math.min(retained.qos(), options.qos()), true, ids));
        }
    }

    void unsubscribe(ChannelHandlerContext ctx, Connection connection, MqttUnsubscribeMessage unsubscribe) {
        List<String> filters = unsubscribe.payload().topics();
        if (filters.isEmpty()) {
            disconnector.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "UNSUBSCRIBE without filters");
            return;
        }
        Short[] codes = new Short[filters.size()];
        for (int i = 0; i < codes.length; i++) {
            String filter = filters.get(i);
            boolean existed = broker.router().unsubscribe(connection.clientId, filter);
            connection.session.subscriptions().remove(filter);
            codes[i] = (short) (existed ? ReasonCodes.SUCCESS : ReasonCodes.NO_SUBSCRIPTION_EXISTED);
        }
        ctx.writeAndFlush(MqttReplies.unsubAck(unsubscribe.idAndPropertiesVariableHeader().messageId(), codes,
                connection.isV5()));
    }
}
