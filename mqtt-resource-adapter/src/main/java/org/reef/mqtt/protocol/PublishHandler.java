package org.reef.mqtt.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.broker.ReservedTopics;
import org.reef.mqtt.inflow.EndpointDeactivatedException;
import org.reef.mqtt.inflow.InflowDelivery;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handles PUBLISH and PUBREL from a client (MQTT 3.1.1 sections 3.3 and 3.6, 4.3): topic aliases, validation,
 * the server's Receive Maximum, QoS 2 duplicate detection, retained messages, and then either routing at once or
 * delivery to the MDBs that activated the topic, acknowledged only after their transaction committed.
 *
 * <p>Inbound flow control depends on the protocol level. An MQTT 5 client was told the server's Receive Maximum in
 * CONNACK, and sending more QoS 1/2 PUBLISH packets than that unacknowledged is a protocol error: DISCONNECT 0x93
 * (MQTT 5.0 section 3.3.4 [MQTT-3.3.4-7]). MQTT 3.1 and 3.1.1 define no such limit (Receive Maximum is new in
 * MQTT 5.0, section 3.1.2.11.3), so a client of those levels that publishes faster than the application takes its
 * messages breaks no rule and is paced instead of closed: once {@code maxInflight} of its deliveries wait for the
 * application, its next PUBLISH waits, with everything read after it, until one of them completed; the server reads
 * from it again once they drained to half the bound.
 */
final class PublishHandler {

    private static final Logger LOG = Logger.getLogger(PublishHandler.class.getName());

    private final MqttBroker broker;
    private final ConnectionControl control;

    PublishHandler(MqttBroker broker, ConnectionControl control) {
        this.broker = broker;
        this.control = control;
    }

    /**
     * Whether a PUBLISH of this connection must wait before it is handled: for an MQTT 3.1 or 3.1.1 client, while
     * {@code maxInflight} of its deliveries wait for the application. The bound is on what only the server can reduce
     * (deliveries, not QoS 2 messages awaiting the client's PUBREL, which may be read behind the waiting PUBLISH).
     */
    boolean mustWait(Connection connection) {
        return !connection.isV5() && connection.inflow.pending() >= broker.config().maxInflight();
    }

    void publish(ChannelHandlerContext ctx, Connection connection, MqttPublishMessage publish) {
        BrokerConfig config = broker.config();
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = publish.variableHeader().packetId();
        MqttProperties properties = connection.isV5() ? publish.variableHeader().properties()
                : MqttProperties.NO_PROPERTIES;
        String topic = resolveTopic(ctx, connection, publish.variableHeader().topicName(), properties);
        if (topic == null) {
            return;
        }
        try {
            Topics.validateTopicName(topic, config.maxTopicLength(), config.maxTopicLevels());
        } catch (TopicException e) {
            control.disconnect(ctx, connection, ReasonCodes.TOPIC_NAME_INVALID, "invalid topic name: " + e.getMessage());
            return;
        }
        Session session = connection.session;
        if (qos > 0) {
            if (qos == 2 && session.isPendingQos2(packetId)) {
                return; // a resend while the application still works on the first: its PUBREC answers both
            }
            if (qos == 2 && session.awaitsRelease(packetId)) {
                // MQTT 3.1.1 section 4.3.3: a re-sent QoS 2 PUBLISH is acknowledged again, not delivered again.
                ctx.writeAndFlush(MqttReplies.pubRec(packetId, ReasonCodes.SUCCESS, null, connection.isV5()));
                return;
            }
            if (connection.isV5() && connection.inboundUnacknowledged >= config.maxInflight()) {
                // MQTT 5.0 section 3.3.4: more unacknowledged QoS 1/2 publications than Receive Maximum
                control.disconnect(ctx, connection, ReasonCodes.RECEIVE_MAXIMUM_EXCEEDED, "receive maximum exceeded");
                return;
            }
            connection.inboundUnacknowledged++;
        }
        broker.metrics().published(qos);
        Long expiry = Properties5.integer(properties, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL);
        PublishMessage message = new PublishMessage(topic, ByteBufUtil.getBytes(publish.payload()), qos,
                publish.fixedHeader().isRetain(), connection.clientId, Properties5.passThrough(properties),
                PublishMessage.expiryFromNow(expiry == null ? 0 : expiry));

        if (broker.reserved().refusesTopic(topic)) {
            // Security review F12: the application's namespace is closed until its endpoints are active (at start,
            // during a redeploy). MQTT 5: 0x87 Not authorized. MQTT 3.1.x cannot refuse a PUBLISH: it must
            // acknowledge it or close the connection [MQTT-3.3.5-2]. An acknowledgement would tell the client its
            // message was taken when it was dropped (an IM send lost across every restart and upgrade), so a QoS 1/2
            // PUBLISH closes the connection unacknowledged, and the client sends it again once it reconnects.
            broker.metrics().publishRefused();
            // MQTT 5.0 section 4.7.2: topics starting with $ (such as $SYS/) are the server's; clients never write them,
            // and a 3.1.x client's PUBLISH there is acknowledged and discarded (sending it again would never help).
            boolean server = ReservedTopics.isServerTopic(topic);
            LOG.log(Level.FINE, "Client {0}: PUBLISH to {1} refused: {2}",
                    new Object[]{LogSafe.text(connection.clientId), LogSafe.text(topic),
                            server ? "a server topic" : "its namespace is not open yet"});
            if (connection.isV5()) {
                acknowledge(ctx, connection, packetId, qos, ReasonCodes.NOT_AUTHORIZED,
                        server ? "topics starting with $ are the server's" : "namespace not available yet");
            } else if (server) {
                acknowledge(ctx, connection, packetId, qos, ReasonCodes.SUCCESS, null);
            } else if (qos > 0) {
                control.disconnect(ctx, connection, ReasonCodes.NOT_AUTHORIZED,
                        "PUBLISH to " + LogSafe.text(topic) + " before its namespace is open");
            }
            return;
        }
        List<MqttActivation> activations = broker.inflow().match(topic);
        if (activations.isEmpty()) {
            if (message.retain() && !broker.retained().retain(message, connection.username)) {
                // Security review F4: over a retained-message quota, the message is refused whole. MQTT 5: 0x97
                // Quota exceeded; MQTT 3.1.x cannot refuse a PUBLISH and acknowledges it [MQTT-3.3.5-2].
                broker.metrics().publishRefused();
                LOG.log(Level.FINE, "Client {0}: retained message on {1} refused: quota exceeded",
                        new Object[]{LogSafe.text(connection.clientId), LogSafe.text(topic)});
                acknowledge(ctx, connection, packetId, qos, connection.isV5() ? ReasonCodes.QUOTA_EXCEEDED
                        : ReasonCodes.SUCCESS, connection.isV5() ? "retained message quota exceeded" : null);
                return;
            }
            if (qos == 2) {
                session.receiveQos2(packetId);
            }
            int delivered = broker.routeAndRelay(message); // and to a cluster's other brokers, if any
            acknowledge(ctx, connection, packetId, qos, delivered == 0 && !broker.relaying()
                    ? ReasonCodes.NO_MATCHING_SUBSCRIBERS : ReasonCodes.SUCCESS, null);
            return;
        }
        if (qos == 2) {
            session.pendingQos2(packetId);
        }
        MqttInboundMessage inbound = new MqttInboundMessage(connection.clientId, connection.username, topic,
                message.payload(), qos, message.retain(), Instant.now());
        broker.inflowPending().incrementAndGet();
        int pending = connection.inflow.submit(new InflowDelivery(inbound, activations,
                (ack, failure) -> answerLater(ctx, connection, packetId, qos, ack, failure)));
        if (pending >= config.maxInflight() && ctx.channel().config().isAutoRead()) {
            // Back-pressure: stop reading from this client until the container caught up.
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Resolves an MQTT 5 Topic Alias (section 3.3.2.3.4); returns null after disconnecting on a bad one. */
    private String resolveTopic(ChannelHandlerContext ctx, Connection connection, String topic,
                                MqttProperties properties) {
        Long alias = Properties5.integer(properties, MqttPropertyType.TOPIC_ALIAS);
        if (alias == null) {
            if (topic.isEmpty()) {
                control.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "empty topic without alias");
                return null;
            }
            return topic;
        }
        if (alias == 0 || alias > broker.config().topicAliasMaximum()) {
            control.disconnect(ctx, connection, ReasonCodes.TOPIC_ALIAS_INVALID, "topic alias out of range");
            return null;
        }
        if (topic.isEmpty()) {
            String known = connection.topicAliases.get(alias.intValue());
            if (known == null) {
                control.disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, "unknown topic alias");
            }
            return known;
        }
        connection.topicAliases.put(alias.intValue(), topic);
        return topic;
    }

    /** Hands a delivery's outcome to the connection's event loop (any thread). */
    private void answerLater(ChannelHandlerContext ctx, Connection connection, int packetId, int qos, MqttAck ack,
                             Throwable failure) {
        try {
            ctx.executor().execute(() -> delivered(ctx, connection, packetId, qos, ack, failure));
        } catch (RejectedExecutionException e) {
            // The adapter stopped while the application still had the message (past the shutdown timeout): its
            // connection is gone, so it is not acknowledged; the client sends it again.
            broker.inflowPending().decrementAndGet();
            LOG.log(Level.INFO, "Client {0}: a delivery completed after the shutdown; not acknowledged",
                    LogSafe.text(connection.clientId));
        }
    }

    /** An inbound delivery completed: answers the client, then lets what waits for room go on. Event loop. */
    private void delivered(ChannelHandlerContext ctx, Connection connection, int packetId, int qos, MqttAck ack,
                           Throwable failure) {
        try {
            answer(ctx, connection, packetId, qos, ack, failure);
        } finally {
            broker.inflowPending().decrementAndGet();
        }
        control.inflowCompleted(ctx);
    }

    /** Acknowledges an inbound message after the MDBs took it, or reports why not. */
    private void answer(ChannelHandlerContext ctx, Connection connection, int packetId, int qos, MqttAck ack,
                        Throwable failure) {
        if (failure != null) {
            broker.metrics().inflowFailed();
            LOG.log(failure instanceof EndpointDeactivatedException ? Level.FINE : Level.WARNING,
                    "Client {0}: delivery to the application failed, not acknowledged: {1}{2}",
                    new Object[]{LogSafe.text(connection.clientId), failure.toString(), rootCause(failure)});
            if (qos == 2) {
                connection.session.execute(() -> connection.session.releaseQos2(packetId));
            }
            if (connection.isV5()) {
                acknowledge(ctx, connection, packetId, qos, ReasonCodes.UNSPECIFIED_ERROR,
                        "the server could not take the message");
            } else if (qos > 0) {
                connection.inboundUnacknowledged--;
            }
            return;
        }
        broker.metrics().inflowDelivered();
        if (!ack.accepted()) {
            broker.metrics().publishRefused();
            if (qos == 2) {
                connection.session.execute(() -> connection.session.releaseQos2(packetId));
            }
        } else if (qos == 2) {
            connection.session.execute(() -> connection.session.receiveQos2(packetId));
        }
        acknowledge(ctx, connection, packetId, qos, ack.reasonCode(), ack.reasonString());
    }

    private void acknowledge(ChannelHandlerContext ctx, Connection connection, int packetId, int qos, int reasonCode,
                             String reasonString) {
        if (qos == 0) {
            return;
        }
        if (qos == 1 || reasonCode >= 0x80) {
            connection.inboundUnacknowledged--;
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.writeAndFlush(qos == 1
                ? MqttReplies.pubAck(packetId, reasonCode, reasonString, connection.isV5())
                : MqttReplies.pubRec(packetId, reasonCode, reasonString, connection.isV5()));
    }

    /** PUBREL: the QoS 2 exchange ends with PUBCOMP (MQTT 3.1.1 section 4.3.3). */
    void release(ChannelHandlerContext ctx, Connection connection, int packetId) {
        boolean known = connection.session.releaseQos2(packetId);
        if (known) {
            connection.inboundUnacknowledged--;
        }
        ctx.writeAndFlush(MqttReplies.pubComp(packetId,
                known ? ReasonCodes.SUCCESS : ReasonCodes.PACKET_IDENTIFIER_NOT_FOUND, connection.isV5()));
    }

    /** The innermost cause of a failure, as "; cause: ..." (the container's wrappers say little), or nothing. */
    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
            root = root.getCause();
        }
        return root == failure ? "" : "; cause: " + root;
    }
}
