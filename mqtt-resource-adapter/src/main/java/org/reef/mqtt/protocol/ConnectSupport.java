package org.reef.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.timeout.IdleStateHandler;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.session.Session;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handles CONNECT (MQTT 3.1.1 section 3.1, MQTT 5.0 section 3.1): checks the client identifier and credentials,
 * takes over an existing session of the same client, arms the keep-alive timer and answers CONNACK.
 */
final class ConnectSupport {

    private static final Logger LOG = Logger.getLogger(ConnectSupport.class.getName());

    /** Queued outbound messages per session beyond the inflight window. */
    private static final int MAX_QUEUED = 1000;

    private final MqttBroker broker;

    ConnectSupport(MqttBroker broker) {
        this.broker = broker;
    }

    /** Opens the session for a CONNECT, or refuses it (CONNACK with a code, then close) and returns null. */
    Session open(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        BrokerConfig config = broker.config();
        int level = connect.variableHeader().version();
        boolean cleanSession = connect.variableHeader().isCleanSession();
        String clientId = connect.payload().clientIdentifier();
        boolean assigned = false;
        if (clientId == null || clientId.isEmpty()) {
            if (!cleanSession && level < 5) {
                // MQTT 3.1.1 section 3.1.3.1: an empty id needs CleanSession = 1 [MQTT-3.1.3-8]
                return refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                        MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID, "empty client id");
            }
            clientId = "reef-" + UUID.randomUUID();
            assigned = true;
        } else if (clientId.length() > config.maxClientIdLength()) {
            return refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID, "client id too long");
        }
        String username = connect.variableHeader().hasUserName() ? connect.payload().userName() : null;
        if (username != null || connect.variableHeader().hasPassword()) {
            // No authenticator is installed yet: credentials cannot be checked, so they are not accepted.
            return refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                    MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD, "credentials not accepted");
        }
        if (!config.allowAnonymous()) {
            return refuse(ctx, level, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5, "anonymous access is disabled");
        }

        Session session = new Session(clientId, username, level, ctx.channel(), config.maxInflight(), MAX_QUEUED);
        Session previous = broker.sessions().register(session);
        if (previous != null) {
            takeOver(previous);
        }
        int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
        if (keepAlive > 0) {
            // MQTT 3.1.1 section 3.1.2.10: disconnect after 1.5 x keep-alive without a packet [MQTT-3.1.2-24]
            ctx.pipeline().addBefore(ctx.name(), "keepAlive",
                    new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }
        broker.metrics().connectionAccepted();
        ctx.writeAndFlush(connAck(level, clientId, assigned));
        LOG.log(Level.FINE, "Client {0} connected (MQTT level {1}, keep-alive {2} s)",
                new Object[]{clientId, level, keepAlive});
        return session;
    }

    private MqttConnAckMessage connAck(int level, String clientId, boolean assigned) {
        MqttMessageBuilders.ConnAckBuilder builder = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(false);
        if (level == 5) {
            builder.properties(p -> {
                p.maximumPacketSize(broker.config().maxPacketSize())
                        .receiveMaximum(broker.config().maxInflight())
                        .maximumQos((byte) 1)
                        .retainAvailable(false)
                        .topicAliasMaximum(0)
                        .subscriptionIdentifiersAvailable(false)
                        .wildcardSubscriptionAvailable(true)
                        .sharedSubscriptionAvailable(true);
                if (assigned) {
                    p.assignedClientId(clientId);
                }
            });
        }
        return builder.build();
    }

    /** MQTT 3.1.1 section 3.1.4: the server disconnects the existing client with the same id [MQTT-3.1.4-2]. */
    private static void takeOver(Session previous) {
        LOG.log(Level.FINE, "Client {0} taken over by a new connection", previous.clientId());
        previous.channel().eventLoop().execute(() -> {
            if (previous.protocolLevel() == 5) {
                previous.channel().writeAndFlush(MqttReplies.disconnect(ReasonCodes.SESSION_TAKEN_OVER))
                        .addListener(f -> previous.channel().close());
            } else {
                previous.channel().close();
            }
        });
    }

    private static Session refuse(ChannelHandlerContext ctx, int level, MqttConnectReturnCode v3,
                                  MqttConnectReturnCode v5, String why) {
        LOG.log(Level.FINE, "{0}: CONNECT refused: {1}", new Object[]{ctx.channel().remoteAddress(), why});
        ctx.writeAndFlush(MqttReplies.connAckRefused(level, v3, v5)).addListener(f -> ctx.close());
        return null;
    }
}
