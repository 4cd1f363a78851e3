package org.reef.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.timeout.IdleStateHandler;
import org.reef.mqtt.api.MqttDeliveryReport;
import org.reef.mqtt.broker.Authenticator;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.broker.SessionQuota;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.inflow.ConnectionInflow;
import org.reef.mqtt.session.ConnectionLimits;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handles CONNECT (MQTT 3.1.1 section 3.1, MQTT 5.0 section 3.1): paces connections per address, validates the
 * packet, authenticates, opens or resumes the session, arms the keep-alive timer and answers CONNACK.
 *
 * <p>An address over its connection rate is refused first, with CONNACK 0x9F Connection rate exceeded (MQTT 5.0
 * section 3.2.2.2) or, for MQTT 3.1.x, 0x03 Server unavailable, and the connection closed.
 *
 * <p>Authentication and session takeover may complete on other threads; meanwhile the connection reads nothing more
 * and the packets already read wait in {@link MqttConnectionHandler}. The event loop never blocks.
 */
final class ConnectHandler {

    private static final Logger LOG = Logger.getLogger(ConnectHandler.class.getName());

    /** Receive Maximum when the property is absent (MQTT 5.0 section 3.2.2.3.3). */
    private static final int DEFAULT_RECEIVE_MAXIMUM = 65535;

    private final MqttBroker broker;
    private final SessionLifecycle lifecycle;

    ConnectHandler(MqttBroker broker, SessionLifecycle lifecycle) {
        this.broker = broker;
        this.lifecycle = lifecycle;
    }

    /** Starts handling a CONNECT; {@code opened} runs on the event loop once the session is attached. */
    void connect(ChannelHandlerContext ctx, Connection connection, MqttConnectMessage connect, Runnable opened) {
        BrokerConfig config = broker.config();
        MqttConnectVariableHeader header = connect.variableHeader();
        MqttConnectPayload payload = connect.payload();
        int level = header.version();
        connection.protocolLevel = level;
        boolean v5 = level == 5;
        MqttProperties properties = v5 ? header.properties() : MqttProperties.NO_PROPERTIES;

        if (broker.isShuttingDown()) {
            // MQTT 5.0 section 3.2.2.2: 0x88 Server unavailable; the client tries again, at another server or later.
            refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5, "server shutting down");
            return;
        }
        if (!broker.connectRate().tryAcquire(ctx.channel().remoteAddress())) {
            // Before anything else, and before the container is asked: a refused attempt costs one answer.
            broker.metrics().connectionRateLimited();
            refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    MqttConnectReturnCode.CONNECTION_REFUSED_CONNECTION_RATE_EXCEEDED, "connection rate exceeded");
            return;
        }
        if (!header.isWillFlag() && (header.willQos() != 0 || header.isWillRetain())) {
            // MQTT 3.1.1 [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15]
            protocolError(ctx, level, "will QoS or retain set without a will");
            return;
        }
        if (header.isWillFlag() && header.willQos() > 2) {
            protocolError(ctx, level, "will QoS 3");
            return;
        }
        if (!v5 && header.hasPassword() && !header.hasUserName()) {
            protocolError(ctx, level, "password without user name"); // [MQTT-3.1.2-22]
            return;
        }
        if (v5 && properties.getProperty(MqttPropertyType.AUTHENTICATION_METHOD.value()) != null) {
            refuse(ctx, level, null, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD,
                    "enhanced authentication is not supported");
            return;
        }
        Long receiveMaximum = v5 ? Properties5.integer(properties, MqttPropertyType.RECEIVE_MAXIMUM) : null;
        Long maximumPacketSize = v5 ? Properties5.integer(properties, MqttPropertyType.MAXIMUM_PACKET_SIZE) : null;
        if ((receiveMaximum != null && receiveMaximum == 0) || (maximumPacketSize != null && maximumPacketSize == 0)) {
            protocolError(ctx, level, "Receive Maximum or Maximum Packet Size of 0"); // MQTT 5.0 3.1.2.11.3/4
            return;
        }

        String clientId = payload.clientIdentifier();
        boolean assigned = false;
        if (clientId == null || clientId.isEmpty()) {
            if (!header.isCleanSession() && !v5) {
                // MQTT 3.1.1 section 3.1.3.1: an empty id needs CleanSession = 1 [MQTT-3.1.3-8]
                refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, null,
                        "empty client id without clean session");
                return;
            }
            clientId = "reef-" + UUID.randomUUID();
            assigned = true;
        } else if (clientId.length() > config.maxClientIdLength()) {
            refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID, "client id too long");
            return;
        }

        WillMessage will = null;
        if (header.isWillFlag()) {
            try {
                Topics.validateTopicName(payload.willTopic(), config.maxTopicLength(), config.maxTopicLevels());
            } catch (TopicException e) {
                refuse(ctx, level, null, MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID,
                        "invalid will topic: " + e.getMessage());
                return;
            }
            if (!broker.inflow().match(payload.willTopic()).isEmpty()
                    || !broker.connectionEvents().guardsOf(payload.willTopic()).isEmpty()
                    || broker.reserved().refusesTopic(payload.willTopic())) {
                // A will is published by the server without the application's checks: not into its namespaces.
                refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                        MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                        "a will may not be published to " + payload.willTopic());
                return;
            }
            MqttProperties willProperties = v5 ? payload.willProperties() : MqttProperties.NO_PROPERTIES;
            Long delay = v5 ? Properties5.integer(willProperties, MqttPropertyType.WILL_DELAY_INTERVAL) : null;
            Long expiry = v5 ? Properties5.integer(willProperties, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL) : null;
            byte[] willBody = payload.willMessageInBytes() == null ? new byte[0] : payload.willMessageInBytes();
            will = new WillMessage(new PublishMessage(payload.willTopic(), willBody, header.willQos(),
                    header.isWillRetain(), clientId, Properties5.passThrough(willProperties),
                    PublishMessage.expiryFromNow(expiry == null ? 0 : expiry)), delay == null ? 0 : delay);
        }

        String username = header.hasUserName() ? payload.userName() : null;
        byte[] password = header.hasPassword() ? payload.passwordInBytes() : null;
        String finalClientId = clientId;
        boolean finalAssigned = assigned;
        WillMessage finalWill = will;
        ctx.channel().config().setAutoRead(false);
        broker.authenticator().authenticate(new Authenticator.AuthRequest(clientId, username, password,
                        ctx.channel().remoteAddress(), level, ctx.channel().id().asLongText()))
                .whenComplete((result, failure) -> ctx.executor().execute(() -> {
                    if (failure != null || result == null) {
                        LOG.log(Level.WARNING, "Client {0}: authentication failed: {1}",
                                new Object[]{LogSafe.text(finalClientId), String.valueOf(failure)});
                        refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                                MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5,
                                "authentication unavailable");
                    } else if (!result.accepted()) {
                        refuseAuth(ctx, level, finalClientId, result.refusal());
                    } else {
                        connection.administrator = result.administrator();
                        openSession(ctx, connection, connect, finalClientId, finalAssigned, result.username(),
                                finalWill, receiveMaximum, maximumPacketSize, opened);
                    }
                }));
    }

    private void openSession(ChannelHandlerContext ctx, Connection connection, MqttConnectMessage connect,
                             String clientId, boolean assigned, String username, WillMessage will,
                             Long receiveMaximum, Long maximumPacketSize, Runnable opened) {
        if (!ctx.channel().isActive()) {
            return;
        }
        BrokerConfig config = broker.config();
        MqttConnectVariableHeader header = connect.variableHeader();
        boolean v5 = connection.isV5();
        boolean cleanStart = header.isCleanSession();
        long expiry;
        long requestedExpiry = 0;
        if (v5) {
            Long requested = Properties5.integer(header.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            requestedExpiry = requested == null ? 0 : requested;
            expiry = Math.min(requestedExpiry, config.maxSessionExpiry());
        } else {
            expiry = cleanStart ? 0 : config.maxSessionExpiry();
        }
        if (username == null && expiry > 0 && !config.limits().persistentAnonymousSessions()) {
            // Security review F8: an anonymous client cannot squat a client id with a session that outlives it. The
            // session ends with the connection; MQTT 5 clients see Session Expiry Interval 0 in CONNACK.
            expiry = 0;
        }
        SessionQuota.Reservation reservation = null;
        if (expiry > 0 && username != null) {
            reservation = broker.sessionQuota().reserve(username, clientId);
            if (reservation == SessionQuota.Reservation.REFUSED) {
                // Security review F4: MQTT 5.0 section 3.2.2.2 0x97 Quota exceeded; MQTT 3.1.x has only 0x03.
                LOG.log(Level.FINE, "Client {0}: user {1} holds {2} persistent sessions already",
                        new Object[]{LogSafe.text(clientId), LogSafe.text(username),
                                config.limits().maxSessionsPerUser()});
                refuse(ctx, connection.protocolLevel, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                        MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED, "persistent session quota exceeded");
                return;
            }
        }
        boolean reserved = reservation == SessionQuota.Reservation.NEW;
        long grantedExpiry = expiry;
        long askedExpiry = requestedExpiry;
        int keepAlive = header.keepAliveTimeSeconds();
        // MQTT 5 clients are told the cap (Server Keep Alive, section 3.2.2.3.14); MQTT 3.1.x has no way to say it,
        // so a 3.1.x client asking for none or for more is simply held to it (security review F3).
        boolean keepAliveCapped = config.maxKeepAlive() > 0 && (keepAlive == 0 || keepAlive > config.maxKeepAlive());
        int effectiveKeepAlive = keepAliveCapped ? config.maxKeepAlive() : keepAlive;
        Long topicAliasMaximum = v5 ? Properties5.integer(header.properties(), MqttPropertyType.TOPIC_ALIAS_MAXIMUM) : null;
        ConnectionLimits limits = new ConnectionLimits(connection.protocolLevel,
                (int) Math.min(receiveMaximum == null ? 65535 : receiveMaximum, config.maxInflight()),
                maximumPacketSize == null ? Long.MAX_VALUE : maximumPacketSize,
                // Security review F4: the server's maximum, not the client's offer, bounds the alias map.
                topicAliasMaximum == null ? 0
                        : Math.min(topicAliasMaximum.intValue(), config.limits().maxOutboundTopicAliases()));

        lifecycle.open(ctx, clientId, username, cleanStart, (session, present) -> {
            if (!ctx.channel().isActive()) {
                // The client left while its session was being prepared: treat it as a disconnect.
                session.expiryIntervalSeconds(grantedExpiry);
                session.attach(ctx.channel(), limits);
                connection.session = session;
                lifecycle.closed(ctx.channel(), connection);
                return;
            }
            connection.clientId = clientId;
            connection.connectionId = ctx.channel().id().asLongText();
            connection.username = username;
            connection.session = session;
            connection.sessionResumed = present;
            connection.persistent = grantedExpiry > 0;
            session.dropListener(broker.metrics()::queueDropped);
            session.reporter((s, acked, dropped, oversized) -> broker.connectionEvents().delivered(
                    new MqttDeliveryReport(s.clientId(), s.username(), acked, dropped, oversized)));
            connection.will.set(will);
            connection.inflow = new ConnectionInflow(broker.workManager(), clientId);
            connection.containerCalls = new ContainerCallGate(config.limits().maxPendingContainerCalls());
            ctx.channel().attr(SessionLifecycle.CONNECTION).set(connection);
            session.expiryIntervalSeconds(grantedExpiry);
            session.attach(ctx.channel(), limits);
            session.persistConnected();
            broker.connected().incrementAndGet();
            broker.metrics().connectionAccepted();
            if (effectiveKeepAlive > 0) {
                // MQTT 3.1.1 section 3.1.2.10: disconnect after 1.5 x keep-alive without a packet [MQTT-3.1.2-24]
                ctx.pipeline().addBefore(ctx.name(), "keepAlive",
                        new IdleStateHandler(effectiveKeepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
            }
            ConnectDeadline.passed(ctx.pipeline());
            ctx.writeAndFlush(connAck(connection, clientId, assigned, present, askedExpiry, grantedExpiry,
                    keepAliveCapped && v5 ? effectiveKeepAlive : -1));
            if (present) {
                session.resendInflight();
                session.pump();
            }
            LOG.log(Level.FINE, "Client {0} connected (MQTT level {1}, keep-alive {2} s, session present {3})",
                    new Object[]{LogSafe.text(clientId), connection.protocolLevel, effectiveKeepAlive, present});
            ctx.channel().config().setAutoRead(true);
            opened.run();
        }, () -> {
            if (reserved) {
                broker.sessionQuota().release(username, clientId);
            }
            broker.metrics().authenticationRefused();
            refuse(ctx, connection.protocolLevel, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                    "the client id belongs to another user's session");
        });
    }

    private MqttConnAckMessage connAck(Connection connection, String clientId, boolean assigned, boolean present,
                                       long requestedExpiry, long expiry, int serverKeepAlive) {
        MqttMessageBuilders.ConnAckBuilder builder = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(present);
        if (connection.isV5()) {
            // MQTT 5.0 section 3.2.2.3: only what differs from the request or the protocol's default is sent; Retain,
            // Wildcard Subscription, Subscription Identifier and Shared Subscription Available default to 1. (Netty's
            // properties builder would always write Retain Available, as 0 unless set: the properties are built here.)
            BrokerConfig config = broker.config();
            MqttProperties p = new MqttProperties();
            p.add(integer(MqttPropertyType.MAXIMUM_PACKET_SIZE, config.maxPacketSize()));
            if (config.maxInflight() != DEFAULT_RECEIVE_MAXIMUM) {
                p.add(integer(MqttPropertyType.RECEIVE_MAXIMUM, config.maxInflight()));
            }
            if (config.topicAliasMaximum() > 0) {
                p.add(integer(MqttPropertyType.TOPIC_ALIAS_MAXIMUM, config.topicAliasMaximum()));
            }
            if (expiry != requestedExpiry) {
                p.add(integer(MqttPropertyType.SESSION_EXPIRY_INTERVAL, (int) expiry));
            }
            if (assigned) {
                p.add(new MqttProperties.StringProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), clientId));
            }
            if (serverKeepAlive >= 0) {
                p.add(integer(MqttPropertyType.SERVER_KEEP_ALIVE, serverKeepAlive));
            }
            builder.properties(p);
        }
        return builder.build();
    }

    private static MqttProperties.IntegerProperty integer(MqttPropertyType type, int value) {
        return new MqttProperties.IntegerProperty(type.value(), value);
    }

    private void refuseAuth(ChannelHandlerContext ctx, int level, String clientId, Authenticator.Refusal refusal) {
        broker.metrics().authenticationRefused();
        switch (refusal == null ? Authenticator.Refusal.NOT_AUTHORIZED : refusal) {
            case BAD_CREDENTIALS -> refuse(ctx, level,
                    MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                    MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD, "bad user name or password");
            case UNAVAILABLE -> refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5, "server unavailable");
            default -> refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5, "not authorized");
        }
        LOG.log(Level.FINE, "Client {0}: CONNECT refused: {1}", new Object[]{LogSafe.text(clientId), refusal});
    }

    private void protocolError(ChannelHandlerContext ctx, int level, String why) {
        broker.metrics().protocolError();
        broker.metrics().connectRefused(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR.byteValue());
        LOG.log(Level.INFO, "{0}: invalid CONNECT, closing: {1}", new Object[]{ctx.channel().remoteAddress(), why});
        if (level == 5) {
            ctx.writeAndFlush(MqttReplies.connAckRefused(5, null,
                    MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, why)).addListener(f -> ctx.close());
        } else {
            ctx.close();
        }
    }

    /**
     * Answers CONNACK with a refusal and closes. A refusal that MQTT 3.1.1 cannot express ({@code v3} null) closes
     * such clients without CONNACK (MQTT 3.1.1 section 3.2.2.3 allows that).
     */
    private void refuse(ChannelHandlerContext ctx, int level, MqttConnectReturnCode v3, MqttConnectReturnCode v5,
                        String why) {
        LOG.log(Level.FINE, "{0}: CONNECT refused: {1}", new Object[]{ctx.channel().remoteAddress(), why});
        // counted by the MQTT 5 code; the one refusal only 3.1.x has (an empty id without clean session) as 0x85
        broker.metrics().connectRefused(v5 != null ? v5.byteValue()
                : MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID.byteValue());
        MqttConnectReturnCode code = level == 5 ? v5 : v3;
        if (code == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(MqttReplies.connAckRefused(level, v3, v5, why)).addListener(f -> ctx.close());
    }
}
