package org.reef.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.session.Session;

import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The protocol state machine of one connection: CONNECT first (MQTT 3.1.1 section 3.1), then the packets of the
 * session it opened, each passed to the handler of its kind; malformed input and protocol violations close the
 * connection (MQTT 5: after a DISCONNECT with the reason), counted and logged without a stack trace.
 *
 * <p>Runs on the connection's event loop and never blocks it. Decoded packets are released in {@code finally};
 * packets that arrive while CONNECT is still being authenticated, while a SUBSCRIBE waits for the container, or while
 * an MQTT 3.1 or 3.1.1 client's PUBLISH waits for room in the inflow ({@link PublishHandler#mustWait}) wait, retained, and
 * are replayed in order. Reading is off meanwhile, so what waits is at most what one read brought.
 */
public final class MqttConnectionHandler extends ChannelInboundHandlerAdapter implements ConnectionControl {

    private static final Logger LOG = Logger.getLogger(MqttConnectionHandler.class.getName());
    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    /**
     * Packets held while the connection waits for the container (CONNECT, SUBSCRIBE authorization). Packets held
     * behind a paced PUBLISH are not counted against it: the client did nothing wrong.
     */
    private static final int MAX_HELD_PACKETS = 64;

    private final MqttBroker broker;
    private final SessionLifecycle lifecycle;
    private final ConnectHandler connectHandler;
    private final PublishHandler publishHandler;
    private final SubscribeHandler subscribeHandler;
    private final Connection connection = new Connection();
    private final ArrayDeque<MqttMessage> held = new ArrayDeque<>();

    private final PacketCounter counter;

    public MqttConnectionHandler(MqttBroker broker, PacketCounter counter) {
        this.broker = broker;
        this.counter = counter;
        this.lifecycle = new SessionLifecycle(broker);
        this.connectHandler = new ConnectHandler(broker, lifecycle);
        this.publishHandler = new PublishHandler(broker, this);
        this.subscribeHandler = new SubscribeHandler(broker, this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage message)) {
                return;
            }
            counter.decoded();
            if (message.decoderResult().isFailure()) {
                onDecoderFailure(ctx, message.decoderResult().cause());
                return;
            }
            if (connection.takenOver) {
                return; // the session moved to a newer connection, which is closing this one
            }
            if (!connection.connectReceived) {
                onFirstPacket(ctx, message);
            } else if (message instanceof MqttConnectMessage) {
                protocolViolation(ctx, "a second CONNECT"); // [MQTT-3.1.0-2]
            } else if (!connection.isConnected() || connection.paused || connection.paced) {
                hold(ctx, message);
            } else {
                dispatch(ctx, message);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onFirstPacket(ChannelHandlerContext ctx, MqttMessage message) {
        if (!(message instanceof MqttConnectMessage connect)) {
            // MQTT 3.1.1 section 3.1: the first packet must be CONNECT [MQTT-3.1.0-1]
            broker.metrics().protocolError();
            LOG.log(Level.FINE, "{0}: first packet was {1}, closing",
                    new Object[]{ctx.channel().remoteAddress(), message.fixedHeader().messageType()});
            ctx.close();
            return;
        }
        connection.connectReceived = true;
        connectHandler.connect(ctx, connection, connect, () -> {
            broker.connectionEvents().connected(new MqttConnectionEvent(connection.clientId, connection.username,
                    connection.protocolLevel, true, ctx.channel().id().asLongText(),
                    connection.persistent, connection.sessionResumed));
            replayHeld(ctx);
        });
    }

    private void hold(ChannelHandlerContext ctx, MqttMessage message) {
        if (!connection.paced && held.size() >= MAX_HELD_PACKETS) {
            protocolViolation(ctx, "too many packets while waiting for the application");
            return;
        }
        held.add((MqttMessage) ReferenceCountUtil.retain(message));
    }

    @Override
    public void pause(ChannelHandlerContext ctx) {
        connection.paused = true;
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void resume(ChannelHandlerContext ctx) {
        connection.paused = false;
        replayHeld(ctx);
        readIfClear(ctx);
    }

    @Override
    public void inflowCompleted(ChannelHandlerContext ctx) {
        if (connection.paced && !publishHandler.mustWait(connection)) {
            connection.paced = false;
            replayHeld(ctx);
        }
        readIfClear(ctx);
    }

    /** Holds a PUBLISH that must wait for room in the inflow, first in line, and stops reading. */
    private void pace(ChannelHandlerContext ctx, MqttMessage publish) {
        connection.paced = true;
        held.addFirst((MqttMessage) ReferenceCountUtil.retain(publish));
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * Reads on once nothing holds the connection back: no pause, no paced PUBLISH, no held packet, and the
     * connection's inflow at most half full (so that reading does not flap at the bound).
     */
    private void readIfClear(ChannelHandlerContext ctx) {
        if (connection.paused || connection.paced || !held.isEmpty() || connection.takenOver
                || !ctx.channel().isActive() || ctx.channel().config().isAutoRead() || broker.isShuttingDown()) {
            return;
        }
        if (connection.inflow == null || connection.inflow.pending() <= broker.config().maxInflight() / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Handles held packets in order, until one pauses the connection again or must wait for room. */
    private void replayHeld(ChannelHandlerContext ctx) {
        MqttMessage message;
        while (!connection.paused && !connection.paced && (message = held.poll()) != null) {
            try {
                // After a takeover the session belongs to the newer connection: held packets are dropped.
                if (ctx.channel().isActive() && !connection.takenOver) {
                    dispatch(ctx, message);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }

    private void dispatch(ChannelHandlerContext ctx, MqttMessage message) {
        Session session = connection.session;
        switch (message.fixedHeader().messageType()) {
            case PUBLISH -> {
                if (publishHandler.mustWait(connection)) {
                    pace(ctx, message);
                } else {
                    publishHandler.publish(ctx, connection, (MqttPublishMessage) message);
                }
            }
            case PUBACK -> session.onPubAck(packetId(message));
            case PUBREC -> session.onPubRec(packetId(message), reasonCode(message) < 0x80);
            case PUBREL -> publishHandler.release(ctx, connection, packetId(message));
            case PUBCOMP -> session.onPubComp(packetId(message));
            case SUBSCRIBE -> subscribeHandler.subscribe(ctx, connection, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> subscribeHandler.unsubscribe(ctx, connection, (MqttUnsubscribeMessage) message);
            case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
            case DISCONNECT -> onDisconnect(ctx, message);
            default -> protocolViolation(ctx, "unexpected " + message.fixedHeader().messageType());
        }
    }

    /** DISCONNECT from the client (MQTT 3.1.1 section 3.14, MQTT 5.0 section 3.14). */
    private void onDisconnect(ChannelHandlerContext ctx, MqttMessage message) {
        if (connection.isV5() && message.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            Long expiry = Properties5.integer(header.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            Session session = connection.session;
            if (expiry != null) {
                if (session.expiryIntervalSeconds() == 0 && expiry != 0) {
                    // MQTT 5.0 section 3.14.2.2.2 [MQTT-3.14.2-2]
                    protocolViolation(ctx, "session expiry set on DISCONNECT after connecting with 0");
                    return;
                }
                session.expiryIntervalSeconds(Math.min(expiry, broker.config().maxSessionExpiry()));
            }
            // Reason 0x04 "Disconnect with Will Message" keeps the will.
            connection.disconnectedNormally = (header.reasonCode() & 0xFF) != ReasonCodes.DISCONNECT_WITH_WILL;
        } else {
            connection.disconnectedNormally = true;
        }
        ctx.close();
    }

    private static int packetId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    private static int reasonCode(MqttMessage message) {
        return message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply
                ? reply.reasonCode() & 0xFF : ReasonCodes.SUCCESS;
    }

    private void onDecoderFailure(ChannelHandlerContext ctx, Throwable cause) {
        broker.metrics().protocolError();
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        LOG.log(Level.INFO, "{0}: malformed packet, closing: {1}", new Object[]{describe(ctx), root.toString()});
        if (!connection.connectReceived && root instanceof MqttUnacceptableProtocolVersionException) {
            // MQTT 3.1.1 section 3.1.2.2: CONNACK 0x01 and close [MQTT-3.1.2-2]; MQTT 5 clients get 0x84.
            int level = protocolLevelOf(ctx);
            broker.metrics().connectRefused(
                    MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION.byteValue());
            ctx.writeAndFlush(MqttReplies.connAckRefused(level == 5 ? 5 : 4,
                    MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION, null))
                    .addListener(f -> ctx.close());
        } else if (!connection.connectReceived && root instanceof MqttIdentifierRejectedException) {
            broker.metrics().connectRefused(
                    MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID.byteValue());
            ctx.writeAndFlush(MqttReplies.connAckRefused(protocolLevelOf(ctx),
                    MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID, null))
                    .addListener(f -> ctx.close());
        } else if (root instanceof TooLongFrameException) {
            close(ctx, ReasonCodes.PACKET_TOO_LARGE, null);
        } else if (root instanceof MalformedPacketException malformed && malformed.protocolError()) {
            close(ctx, ReasonCodes.PROTOCOL_ERROR, null);
        } else {
            close(ctx, ReasonCodes.MALFORMED_PACKET, null);
        }
    }

    private void protocolViolation(ChannelHandlerContext ctx, String what) {
        disconnect(ctx, connection, ReasonCodes.PROTOCOL_ERROR, what);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, Connection conn, int reasonCode, String reason) {
        broker.metrics().protocolError();
        LOG.log(Level.INFO, "{0}: closing: {1}", new Object[]{describe(ctx), reason});
        close(ctx, reasonCode, reason);
    }

    /** Closes the connection, sending an MQTT 5 DISCONNECT with the reason first where the client speaks 5. */
    private void close(ChannelHandlerContext ctx, int reasonCode, String reason) {
        if (connection.isV5() && connection.isConnected() && ctx.channel().isActive()) {
            // A second CONNECT of another level made the decoder switch versions: answer in the connection's.
            ctx.channel().attr(MQTT_VERSION).set(MqttVersion.MQTT_5);
            ctx.writeAndFlush(MqttReplies.disconnect(reasonCode, reason)).addListener(f -> ctx.close());
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ServerShutdown.INSTANCE) {
            LOG.log(Level.FINE, "{0}: closing: server shutting down", describe(ctx));
            close(ctx, ReasonCodes.SERVER_SHUTTING_DOWN, null);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // MQTT 3.1.1 section 3.1.2.10: nothing received for 1.5 x keep-alive [MQTT-3.1.2-24]
            LOG.log(Level.FINE, "{0}: keep-alive expired", describe(ctx));
            close(ctx, ReasonCodes.KEEP_ALIVE_TIMEOUT, "keep-alive timeout");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        Session session = connection.session;
        if (session != null && ctx.channel().isWritable()) {
            session.execute(session::pump);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        if (connection.session != null && ctx.channel().hasAttr(SessionLifecycle.CONNECTION)) {
            broker.connected().decrementAndGet();
            lifecycle.closed(ctx.channel(), connection);
            broker.connectionEvents().disconnected(new MqttConnectionEvent(connection.clientId, connection.username,
                    connection.protocolLevel, connection.disconnectedNormally, ctx.channel().id().asLongText(),
                    connection.persistent, false));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "{0}: connection error, closing: {1}", new Object[]{describe(ctx), cause.toString()});
        ctx.close();
    }

    /** The protocol level the decoder read from CONNECT (it keeps it in a channel attribute of Netty's). */
    private static int protocolLevelOf(ChannelHandlerContext ctx) {
        MqttVersion version = ctx.channel().attr(MQTT_VERSION).get();
        return version == null ? 4 : version.protocolLevel();
    }

    private String describe(ChannelHandlerContext ctx) {
        return connection.clientId != null ? "Client " + LogSafe.text(connection.clientId)
                : String.valueOf(ctx.channel().remoteAddress());
    }
}
