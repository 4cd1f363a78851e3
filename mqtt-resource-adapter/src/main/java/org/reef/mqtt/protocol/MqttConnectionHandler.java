package org.reef.mqtt.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.inflow.ConnectionInflow;
import org.reef.mqtt.inflow.InflowDelivery;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.session.Subscription;
import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The protocol state machine of one connection: expects CONNECT first (MQTT 3.1.1 section 3.1), then serves
 * SUBSCRIBE, UNSUBSCRIBE, PUBLISH, PUBACK, PINGREQ and DISCONNECT for the session it opened.
 *
 * <p>Runs on the connection's event loop and never blocks it: a PUBLISH whose topic an MDB activated is queued for
 * the container ({@link ConnectionInflow}) and acknowledged when the delivery committed; any other PUBLISH is routed
 * at once. Decoded packets are released in {@code finally}; a payload is copied out once, before it leaves the
 * handler.
 */
public final class MqttConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(MqttConnectionHandler.class.getName());

    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final MqttBroker broker;
    private final ConnectSupport connectSupport;
    private Session session;
    private ConnectionInflow inflow;
    private int protocolLevel;

    public MqttConnectionHandler(MqttBroker broker) {
        this.broker = broker;
        this.connectSupport = new ConnectSupport(broker);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage message)) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                onDecoderFailure(ctx, message.decoderResult().cause());
                return;
            }
            if (session == null) {
                onFirstPacket(ctx, message);
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case PUBLISH -> onPublish(ctx, (MqttPublishMessage) message);
                case PUBACK -> session.acknowledge(((MqttMessageIdVariableHeader) message.variableHeader()).messageId());
                case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) message);
                case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) message);
                case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
                case DISCONNECT -> ctx.close();
                default -> protocolViolation(ctx, "unexpected " + message.fixedHeader().messageType());
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
        protocolLevel = connect.variableHeader().version();
        session = connectSupport.open(ctx, connect);
        if (session != null) {
            inflow = new ConnectionInflow(broker.workManager(), session.clientId());
        }
    }

    private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = publish.variableHeader().packetId();
        try {
            Topics.validateTopicName(topic, 0, 0);
        } catch (TopicException e) {
            disconnectWith(ctx, ReasonCodes.TOPIC_NAME_INVALID, "invalid topic name: " + e.getMessage());
            return;
        }
        if (qos == 2) {
            disconnectWith(ctx, ReasonCodes.QOS_NOT_SUPPORTED, "QoS 2 is not supported yet");
            return;
        }
        broker.metrics().published();
        byte[] payload = ByteBufUtil.getBytes(publish.payload());
        boolean retain = publish.fixedHeader().isRetain();
        List<MqttActivation> activations = broker.inflow().match(topic);
        if (activations.isEmpty()) {
            broker.router().route(new PublishMessage(topic, payload, qos, retain, session.clientId()));
            if (qos == 1) {
                ctx.writeAndFlush(MqttReplies.pubAck(packetId, ReasonCodes.SUCCESS, null, isV5()));
            }
            return;
        }
        MqttInboundMessage inbound = new MqttInboundMessage(session.clientId(), session.username(), topic, payload,
                qos, retain, Instant.now());
        int pending = inflow.submit(new InflowDelivery(inbound, activations,
                (ack, failure) -> ctx.executor().execute(() -> onDelivered(ctx, packetId, qos, ack, failure))));
        if (pending >= broker.config().maxInflight() && ctx.channel().config().isAutoRead()) {
            // Back-pressure: stop reading from this client until the container caught up.
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Acknowledges an inbound message after its delivery ended. Event loop. */
    private void onDelivered(ChannelHandlerContext ctx, int packetId, int qos, MqttAck ack, Throwable failure) {
        if (!ctx.channel().config().isAutoRead() && inflow.pending() <= broker.config().maxInflight() / 2) {
            ctx.channel().config().setAutoRead(true);
        }
        if (failure != null) {
            broker.metrics().inflowFailed();
            LOG.log(Level.WARNING, "Client {0}: delivery to the application failed, not acknowledged: {1}",
                    new Object[]{session.clientId(), failure.toString()});
            if (qos == 1 && isV5() && ctx.channel().isActive()) {
                ctx.writeAndFlush(MqttReplies.pubAck(packetId, ReasonCodes.UNSPECIFIED_ERROR,
                        "the server could not take the message", true));
            }
            return;
        }
        broker.metrics().inflowDelivered();
        if (qos == 1 && ctx.channel().isActive()) {
            ctx.writeAndFlush(MqttReplies.pubAck(packetId, ack.reasonCode(), ack.reasonString(), isV5()));
        }
    }

    private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        List<MqttTopicSubscription> requests = subscribe.payload().topicSubscriptions();
        int[] codes = new int[requests.size()];
        for (int i = 0; i < codes.length; i++) {
            MqttTopicSubscription request = requests.get(i);
            String filter = request.topicFilter();
            try {
                Topics.validateTopicFilter(filter, 0, 0);
            } catch (TopicException e) {
                LOG.log(Level.FINE, "Client {0}: invalid filter {1}: {2}",
                        new Object[]{session.clientId(), filter, e.getMessage()});
                codes[i] = isV5() ? ReasonCodes.TOPIC_FILTER_INVALID : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            int granted = Math.min(request.qualityOfService().value(), 1);
            broker.router().subscribe(new Subscription(session.clientId(), filter, granted));
            codes[i] = granted;
        }
        ctx.writeAndFlush(MqttReplies.subAck(subscribe.idAndPropertiesVariableHeader().messageId(), codes));
    }

    private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        List<String> filters = unsubscribe.payload().topics();
        Short[] codes = new Short[filters.size()];
        for (int i = 0; i < codes.length; i++) {
            boolean existed = broker.router().unsubscribe(session.clientId(), filters.get(i));
            codes[i] = (short) (existed ? ReasonCodes.SUCCESS : ReasonCodes.NO_SUBSCRIPTION_EXISTED);
        }
        ctx.writeAndFlush(MqttReplies.unsubAck(unsubscribe.idAndPropertiesVariableHeader().messageId(), codes, isV5()));
    }

    private void onDecoderFailure(ChannelHandlerContext ctx, Throwable cause) {
        broker.metrics().protocolError();
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        LOG.log(Level.INFO, "{0}: malformed packet, closing: {1}", new Object[]{describe(ctx), root.toString()});
        if (session == null && root instanceof MqttUnacceptableProtocolVersionException) {
            // MQTT 3.1.1 section 3.1.2.2: CONNACK 0x01 and close [MQTT-3.1.2-2]
            ctx.writeAndFlush(MqttReplies.connAckRefused(4,
                    MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, null))
                    .addListener(f -> ctx.close());
        } else if (session == null && root instanceof MqttIdentifierRejectedException) {
            ctx.writeAndFlush(MqttReplies.connAckRefused(protocolLevelOf(ctx),
                    MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID))
                    .addListener(f -> ctx.close());
        } else if (root instanceof TooLongFrameException) {
            disconnectWith(ctx, ReasonCodes.PACKET_TOO_LARGE, null);
        } else {
            disconnectWith(ctx, ReasonCodes.MALFORMED_PACKET, null);
        }
    }

    private void protocolViolation(ChannelHandlerContext ctx, String what) {
        broker.metrics().protocolError();
        LOG.log(Level.INFO, "{0}: protocol violation, closing: {1}", new Object[]{describe(ctx), what});
        disconnectWith(ctx, ReasonCodes.PROTOCOL_ERROR, null);
    }

    /** Closes the connection, sending an MQTT 5 DISCONNECT with the reason first where the client speaks 5. */
    private void disconnectWith(ChannelHandlerContext ctx, int reasonCode, String logReason) {
        if (logReason != null) {
            broker.metrics().protocolError();
            LOG.log(Level.INFO, "{0}: closing: {1}", new Object[]{describe(ctx), logReason});
        }
        if (isV5() && session != null) {
            ctx.writeAndFlush(MqttReplies.disconnect(reasonCode)).addListener(f -> ctx.close());
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            // MQTT 3.1.1 section 3.1.2.10: nothing received for 1.5 x keep-alive [MQTT-3.1.2-24]
            LOG.log(Level.FINE, "{0}: keep-alive expired", describe(ctx));
            disconnectWith(ctx, ReasonCodes.KEEP_ALIVE_TIMEOUT, null);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (session != null && broker.sessions().remove(session)) {
            broker.router().unsubscribeAll(session.clientId());
            LOG.log(Level.FINE, "Client {0} disconnected", session.clientId());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "{0}: connection error, closing: {1}", new Object[]{describe(ctx), cause.toString()});
        ctx.close();
    }

    private boolean isV5() {
        return protocolLevel == 5;
    }

    /** The protocol level the decoder read from CONNECT (it keeps it in a channel attribute of Netty's). */
    private static int protocolLevelOf(ChannelHandlerContext ctx) {
        MqttVersion version = ctx.channel().attr(MQTT_VERSION).get();
        return version == null ? 4 : version.protocolLevel();
    }

    private String describe(ChannelHandlerContext ctx) {
        return session != null ? "Client " + session.clientId() : String.valueOf(ctx.channel().remoteAddress());
    }
}
