package org.reef.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One asynchronous MQTT client connection: the protocol state of a channel and the operations a scenario needs
 * (subscribe, publish, disconnect).
 *
 * <p>All state lives on the channel's event loop, so nothing here needs a lock: {@link #publish} must be called on
 * that loop (publishers run there), while {@link #subscribe} and {@link #disconnect} hop onto it themselves.
 * Completions come back as {@link CompletableFuture}s, which the scenario's main thread can wait on with a bound.
 */
public final class MqttClient {

    /** SUBSCRIBE packet ids count down from here, above every publication id of the {@link InflightWindow}. */
    private static final int LAST_PACKET_ID = 65_535;
    private static final Runnable NOTHING = () -> { };
    private static final long DISCONNECT_GRACE_MILLIS = 1_000;

    private final Channel channel;
    private final ClientSettings settings;
    private final MessageListener listener;
    private final ClientStats stats;
    private final CompletableFuture<MqttClient> connected;
    private final InflightWindow window;
    private final MqttProperties publishProperties;
    private Map<Integer, CompletableFuture<List<Integer>>> subscriptions;
    private int nextSubscribeId = LAST_PACKET_ID;
    private Runnable readyListener = NOTHING;
    private boolean connectSent;
    private volatile boolean sessionPresent;
    private volatile boolean closeRequested;
    private volatile String closeReason;

    MqttClient(Channel channel, ClientSettings settings, MessageListener listener, ClientStats stats,
               CompletableFuture<MqttClient> connected) {
        this.channel = channel;
        this.settings = settings;
        this.listener = listener;
        this.stats = stats;
        this.connected = connected;
        this.window = new InflightWindow(settings.maxInflight());
        this.publishProperties = settings.isMqtt5() ? MqttProperties.NO_PROPERTIES : null;
    }

    /**
     * Subscribes to one filter.
     *
     * @return completes with the SUBACK return codes (MQTT 3.1.1 §3.9.3: the granted QoS, or 0x80 for a failure;
     * MQTT 5: reason codes, 0x80 and above failures), or fails if the connection closes first
     */
    public CompletableFuture<List<Integer>> subscribe(String filter, MqttQoS qos) {
        CompletableFuture<List<Integer>> acked = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                acked.completeExceptionally(new ClosedChannelException());
                return;
            }
            if (subscriptions == null) {
                subscriptions = new HashMap<>(4);
            }
            int id = nextSubscribeId--;
            if (id <= ClientSettings.MAX_INFLIGHT) {
                acked.completeExceptionally(new IllegalStateException("too many subscriptions on one connection"));
                return;
            }
            subscriptions.put(id, acked);
            MqttMessageBuilders.SubscribeBuilder subscribe = MqttMessageBuilders.subscribe()
                    .messageId(id).addSubscription(qos, filter);
            if (settings.isMqtt5()) {
                subscribe.properties(MqttProperties.NO_PROPERTIES);
            }
            channel.writeAndFlush(subscribe.build());
        });
        return acked;
    }

    /** True when a publication of this QoS may be sent now: always for QoS 0, for QoS 1 when the window has room. */
    public boolean hasWindowFor(MqttQoS qos) {
        return qos == MqttQoS.AT_MOST_ONCE || window.hasRoom();
    }

    /** Whether the socket buffer has room; publishers stop writing when it has not and wait for {@link #onReady}. */
    public boolean isWritable() {
        return channel.isWritable();
    }

    /**
     * Writes a PUBLISH without flushing it (call {@link #flush} after a batch). Takes ownership of the payload.
     * Must run on this client's event loop, and for QoS 1 only after {@link #hasWindowFor} said yes.
     *
     * @param token what {@code done} gets back, typically the message's sequence number
     */
    public void publish(String topic, MqttQoS qos, ByteBuf payload, long token, PublishListener done) {
        if (!channel.eventLoop().inEventLoop()) {
            payload.release();
            throw new IllegalStateException("publish must run on the client's event loop");
        }
        if (qos == MqttQoS.EXACTLY_ONCE) {
            payload.release();
            throw new IllegalArgumentException("QoS 2 is not supported by this tool");
        }
        int packetId = 0;
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            packetId = window.acquire(token, done);
            if (packetId < 0) {
                payload.release();
                throw new IllegalStateException("in-flight window full: check hasWindowFor first");
            }
        }
        MqttPublishMessage message = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, qos, false, 0),
                new MqttPublishVariableHeader(topic, packetId, publishProperties), payload);
        if (qos == MqttQoS.AT_MOST_ONCE) {
            channel.write(message).addListener(write -> done.published(token, write.isSuccess()));
        } else {
            // a failed write closes the channel through exceptionCaught, and closing fails the window's entries
            channel.write(message, channel.voidPromise());
        }
    }

    public void flush() {
        channel.flush();
    }

    /**
     * Sets what runs (on the event loop) whenever this client may be able to publish again: after a PUBACK frees a
     * window slot and when the socket becomes writable again. One listener per client.
     */
    public void onReady(Runnable ready) {
        this.readyListener = ready == null ? NOTHING : ready;
    }

    /**
     * Sends DISCONNECT (so the server discards the will and, for MQTT 3.1.1 persistent sessions, keeps the session)
     * and closes the connection.
     *
     * @return completes once the channel is closed
     */
    public CompletableFuture<Void> disconnect() {
        closeRequested = true;
        CompletableFuture<Void> closed = closeFuture();
        channel.eventLoop().execute(() -> {
            if (channel.isActive() && connected.isDone() && !connected.isCompletedExceptionally()) {
                channel.writeAndFlush(MqttMessage.DISCONNECT).addListener(write -> channel.close());
                // a server that stopped reading never lets the DISCONNECT out: close anyway, soon
                channel.eventLoop().schedule(() -> channel.close(), DISCONNECT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        });
        return closed;
    }

    /** Completes once the connection is closed, by either side. */
    public CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(close -> closed.complete(null));
        return closed;
    }

    /** False once the connection is closed; a publisher then stops. */
    public boolean isOpen() {
        return channel.isActive();
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    public String clientId() {
        return settings.clientId();
    }

    /** The Session Present flag of the CONNACK (MQTT 3.1.1 §3.2.2.2). */
    public boolean sessionPresent() {
        return sessionPresent;
    }

    /** True when this side asked to close, so a closed connection is not a drop. */
    public boolean closeRequested() {
        return closeRequested;
    }

    /** Why the connection failed or the server ended it; null when it ended normally or is still open. */
    public String closeReason() {
        return closeReason;
    }

    // ---- called by MqttClientHandler and KeepAliveHandler on the event loop ----

    void sendConnect() {
        if (connectSent) {
            return;
        }
        connectSent = true;
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                .protocolVersion(settings.version())
                .clientId(settings.clientId())
                .cleanSession(settings.cleanSession())
                .keepAlive(settings.keepAliveSeconds());
        if (settings.username() != null) {
            connect.hasUser(true).username(settings.username());
        }
        if (settings.password() != null) {
            connect.hasPassword(true).password(settings.password().getBytes(StandardCharsets.UTF_8));
        }
        if (settings.isMqtt5()) {
            MqttProperties properties = new MqttProperties();
            if (settings.sessionExpirySeconds() > 0) {
                properties.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                        (int) settings.sessionExpirySeconds()));
            }
            connect.properties(properties);
        }
        MqttConnectMessage message = connect.build();
        channel.writeAndFlush(message).addListener(write -> {
            if (!write.isSuccess()) {
                failed(write.cause());
            }
        });
    }

    void connAckReceived(MqttConnAckMessage connAck) {
        MqttConnectReturnCode code = connAck.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            ConnectionRefusedException refused = new ConnectionRefusedException(code);
            closeReason = refused.getMessage();
            connected.completeExceptionally(refused);
            channel.close();
            return;
        }
        sessionPresent = connAck.variableHeader().isSessionPresent();
        if (settings.isMqtt5()) {
            applyServerLimits(connAck.variableHeader().properties());
        }
        connected.complete(this);
    }

    /** MQTT 5 §3.2.2.3: the server's Receive Maximum bounds our window, its Server Keep Alive replaces ours. */
    private void applyServerLimits(MqttProperties properties) {
        MqttProperties.MqttProperty<?> receiveMaximum = properties.getProperty(MqttProperties.RECEIVE_MAXIMUM);
        if (receiveMaximum != null) {
            window.limit((Integer) receiveMaximum.value());
        }
        MqttProperties.MqttProperty<?> serverKeepAlive = properties.getProperty(MqttProperties.SERVER_KEEP_ALIVE);
        if (serverKeepAlive != null) {
            KeepAliveHandler.install(channel.pipeline(), (Integer) serverKeepAlive.value(), this);
        }
    }

    void subAckReceived(MqttSubAckMessage subAck) {
        int id = subAck.variableHeader().messageId();
        CompletableFuture<List<Integer>> acked = subscriptions == null ? null : subscriptions.remove(id);
        if (acked != null) {
            acked.complete(List.copyOf(subAck.payload().reasonCodes()));
        }
    }

    void pubAckReceived(MqttMessage pubAck) {
        Object header = pubAck.variableHeader();
        if (!(header instanceof MqttMessageIdVariableHeader idHeader)) {
            return;
        }
        boolean success = !(header instanceof MqttPubReplyMessageVariableHeader reply)
                || (reply.reasonCode() & 0xFF) < 0x80;
        if (window.complete(idHeader.messageId(), success)) {
            readyListener.run();
        }
    }

    void publishReceived(MqttPublishMessage publish) {
        MqttQoS qos = publish.fixedHeader().qosLevel();
        if (qos == MqttQoS.EXACTLY_ONCE) {
            failed(new IllegalStateException("the server sent QoS 2, which no subscription of this tool asked for"));
            return;
        }
        listener.onMessage(publish.variableHeader().topicName(), publish.payload());
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            // flushed at channelReadComplete, so one read's worth of PUBACKs shares one syscall
            channel.write(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build(),
                    channel.voidPromise());
        }
    }

    void pingAnswered() {
        stats.pingAnswered();
    }

    void pingSent() {
        stats.pingSent();
    }

    /** MQTT 5 §3.14: the server may end the connection with a reason. */
    void disconnectReceived(MqttMessage disconnect) {
        String reason = "server sent DISCONNECT";
        if (disconnect.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            reason += String.format(" (reason 0x%02X)", header.reasonCode() & 0xFF);
        }
        closeReason = reason;
        channel.close();
    }

    void writabilityChanged() {
        if (channel.isWritable()) {
            readyListener.run();
        }
    }

    void failed(Throwable cause) {
        if (closeReason == null) {
            closeReason = String.valueOf(cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage());
        }
        connected.completeExceptionally(cause);
        channel.close();
    }

    void closed() {
        if (!connected.isDone()) {
            connected.completeExceptionally(new ClosedChannelException());
            if (closeReason == null) {
                closeReason = "closed before CONNACK";
            }
        }
        window.abandonAll();
        if (subscriptions != null) {
            subscriptions.values().forEach(acked -> acked.completeExceptionally(new ClosedChannelException()));
            subscriptions.clear();
        }
        readyListener.run();
    }
}
