package org.reef.mqtt.broker;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import jakarta.resource.spi.work.WorkManager;
import org.reef.mqtt.api.MqttRelay;
import org.reef.mqtt.inflow.ConnectionEvents;
import org.reef.mqtt.inflow.InflowAuthenticator;
import org.reef.mqtt.inflow.InflowRegistry;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.session.Delivery;
import org.reef.mqtt.session.DeliveryCodec;
import org.reef.mqtt.session.MessageRouter;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.QueueLimits;
import org.reef.mqtt.session.QueuedBytes;
import org.reef.mqtt.session.RetainedMessages;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.session.SessionRegistry;
import org.reef.mqtt.session.SessionStore;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker's shared state, one per resource adapter instance: configuration, connected sessions, subscriptions
 * and the activated endpoints, plus the WorkManager that runs container deliveries. Connections reach everything
 * through it; it owns no threads.
 */
public final class MqttBroker {

    private static final Logger LOG = Logger.getLogger(MqttBroker.class.getName());

    private final BrokerConfig config;
    private final WorkManager workManager;
    private final SessionRegistry sessions = new SessionRegistry();
    private final MessageRouter router = new MessageRouter(sessions);
    private final InflowRegistry inflow = new InflowRegistry();
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final RetainedMessages retained;
    private final QueueLimits queueLimits;
    private final SessionQuota sessionQuota;
    private final ReservedTopics reserved;
    private final AtomicInteger connected = new AtomicInteger();
    private final ConnectRateLimiter connectRate;
    private final ConnectionAdmission admission;
    private final ConnectionEvents connectionEvents;
    private volatile Authenticator authenticator;
    private volatile SessionStore sessionStore = SessionStore.NONE;
    private volatile MqttRelay relay;
    /** Inbound deliveries handed to the application and not yet answered to their client. */
    private final AtomicInteger inflowPending = new AtomicInteger();
    private volatile boolean shuttingDown;

    public MqttBroker(BrokerConfig config, WorkManager workManager) {
        this.config = Objects.requireNonNull(config, "config");
        this.workManager = Objects.requireNonNull(workManager, "workManager");
        this.connectionEvents = new ConnectionEvents(workManager);
        this.connectRate = new ConnectRateLimiter(config.connectRate(), config.connectBurst());
        BrokerLimits limits = config.limits();
        this.retained = new RetainedMessages(limits.maxRetained(), limits.maxRetainedBytes(),
                limits.maxRetainedPerUser());
        this.queueLimits = new QueueLimits(config.maxQueued(), limits.maxQueuedBytes(),
                new QueuedBytes(limits.maxQueuedBytesTotal()));
        this.sessionQuota = new SessionQuota(limits.maxSessionsPerUser());
        this.reserved = new ReservedTopics(limits.reservedTopics(), inflow, connectionEvents);
        this.admission = new ConnectionAdmission(config.maxConnections(), config.limits().maxConnectionsPerAddress());
        this.authenticator = new InflowAuthenticator(connectionEvents, config.allowAnonymous());
    }

    public BrokerConfig config() {
        return config;
    }

    public WorkManager workManager() {
        return workManager;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public MessageRouter router() {
        return router;
    }

    public InflowRegistry inflow() {
        return inflow;
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The endpoints that authenticate clients, authorize subscriptions and hear of connects and disconnects. */
    public ConnectionEvents connectionEvents() {
        return connectionEvents;
    }

    /** The per-address pace of new connections, shared by every listener. */
    public ConnectRateLimiter connectRate() {
        return connectRate;
    }

    /** What each session may queue, and the budget all sessions share. */
    public QueueLimits queueLimits() {
        return queueLimits;
    }

    /**
     * Adds a connection-listener endpoint, then has it check the existing subscriptions into its namespace (see
     * {@link SubscriptionRecheck}).
     */
    public void addConnectionListener(org.reef.mqtt.inflow.MqttActivation activation) {
        connectionEvents.add(activation);
        new SubscriptionRecheck(this, activation).start();
    }

    /** The application's reserved namespaces and whether they are open yet. */
    public ReservedTopics reserved() {
        return reserved;
    }

    /** The persistent sessions of each user. */
    public SessionQuota sessionQuota() {
        return sessionQuota;
    }

    /** The connection caps, counted from accept. */
    public ConnectionAdmission admission() {
        return admission;
    }

    public RetainedMessages retained() {
        return retained;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    /** Installs the authenticator that checks every later CONNECT. */
    public void authenticator(Authenticator newAuthenticator) {
        this.authenticator = Objects.requireNonNull(newAuthenticator, "authenticator");
    }

    /** Installs the relay that carries client publishes to a cluster's other brokers (null: none). */
    public void relayTo(MqttRelay newRelay) {
        this.relay = newRelay;
    }

    /** Whether client publishes go further than this broker (a cluster relay is installed). */
    public boolean relaying() {
        return relay != null;
    }

    /**
     * Routes a message a client (or a will) published to this broker's subscribers, then hands it to the cluster relay
     * if there is one, under one key (the placement of its shared deliveries, the same on every broker).
     *
     * @return the number of sessions here it was handed to
     */
    public int routeAndRelay(PublishMessage message) {
        long key = MessageRouter.newKey();
        int delivered = router.route(message, null, key);
        relay(message, key);
        return delivered;
    }

    /**
     * Hands a message routed here already to the cluster relay, if there is one: its key, then the message in the
     * session store's format. A relay that fails loses the message for the other brokers only; it is logged, never
     * thrown at the publisher.
     */
    private void relay(PublishMessage message, long key) {
        MqttRelay current = relay;
        if (current == null) {
            return;
        }
        try {
            byte[] encoded = DeliveryCodec.encode(new Delivery(message, message.qos(), message.retain(), List.of()),
                    System.nanoTime(), System.currentTimeMillis());
            current.relay(ByteBuffer.allocate(Long.BYTES + encoded.length).putLong(key).put(encoded).array());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster relay failed for a message on {0}: {1}",
                    new Object[]{LogSafe.text(message.topic()), e.toString()});
        }
    }

    /**
     * The retained messages of the clients' topics (not {@code $} ones, which describe this broker), each as the
     * relay carries a message, for a broker that joins the cluster ({@link #retainCopied}).
     */
    public List<byte[]> retainedForCluster() {
        List<byte[]> copies = new java.util.ArrayList<>();
        for (PublishMessage message : retained.matching("#", Integer.MAX_VALUE)) {
            byte[] encoded = DeliveryCodec.encode(new Delivery(message, message.qos(), true, List.of()),
                    System.nanoTime(), System.currentTimeMillis());
            copies.add(ByteBuffer.allocate(Long.BYTES + encoded.length).putLong(0).put(encoded).array());
        }
        return copies;
    }

    /**
     * Keeps a retained message another broker of the cluster copied ({@link #retainedForCluster}), unless this
     * broker has one for the topic already (newer). Not routed: nobody is waiting for it.
     *
     * @throws IllegalArgumentException if the bytes are not such a copy
     */
    public void retainCopied(byte[] bytes) {
        if (bytes.length <= Long.BYTES) {
            throw new IllegalArgumentException("too short for a retained message");
        }
        retained.retainIfAbsent(DeliveryCodec.decode(Arrays.copyOfRange(bytes, Long.BYTES, bytes.length),
                System.nanoTime(), System.currentTimeMillis()).message());
    }

    /**
     * Routes what another broker of the cluster relayed ({@link #relay}): into the retained messages if retained, then
     * to the matching subscribers here under the message's key. Not relayed again.
     *
     * @throws IllegalArgumentException if the bytes are not a relayed message
     */
    public void routeRelayed(byte[] bytes) {
        if (bytes.length <= Long.BYTES) {
            throw new IllegalArgumentException("too short for a relayed message");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long key = buffer.getLong();
        PublishMessage message = DeliveryCodec.decode(Arrays.copyOfRange(bytes, Long.BYTES, bytes.length),
                System.nanoTime(), System.currentTimeMillis()).message();
        if (message.retain()) {
            retained.retain(message);
        }
        router.route(message, null, key);
    }

    /**
     * Closes a client's connection, MQTT 5 clients after DISCONNECT 0x98 (Administrative action).
     *
     * @return whether the client had a session with a connection
     */
    public boolean disconnect(String clientId) {
        return close(sessions.get(clientId));
    }

    /**
     * Like {@link #disconnect(String)}, only if the client's session runs as this user.
     *
     * @return whether the client had a session of that user with a connection
     */
    public boolean disconnect(String clientId, String username) {
        Session session = sessions.get(clientId);
        return session != null && username.equals(session.username()) && close(session);
    }

    private boolean close(Session session) {
        if (session == null || !session.isOnline()) {
            return false;
        }
        session.execute(() -> {
            Channel channel = session.channel();
            if (channel == null) {
                return;
            }
            if (session.limits().isV5()) {
                channel.writeAndFlush(MqttMessageBuilders.disconnect().reasonCode((byte) 0x98).build())
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                channel.close();
            }
        });
        return true;
    }

    /** Where persistent sessions are kept; {@link SessionStore#NONE} (memory only) unless one is installed. */
    public SessionStore sessionStore() {
        return sessionStore;
    }

    /** Installs the store persistent sessions are kept in; before the listeners start. */
    public void sessionStore(SessionStore store) {
        this.sessionStore = Objects.requireNonNull(store, "store");
    }

    /**
     * The adapter is stopping: from now on every CONNECT is refused (CONNACK 0x88 Server unavailable, MQTT 3.1.x:
     * 0x03), and the connections still open are about to be closed (MQTT 5: DISCONNECT 0x8B Server shutting down).
     */
    public void beginShutdown() {
        shuttingDown = true;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Inbound deliveries handed to the application whose answer (PUBACK/PUBREC, or none) has not been written to
     * their connection yet: shutdown waits for it to reach 0 before it closes connections, so that no verdict of a
     * committed transaction is lost on the way to its client.
     */
    public AtomicInteger inflowPending() {
        return inflowPending;
    }

    /** Connections with an open session, for the connection limit. */
    public AtomicInteger connected() {
        return connected;
    }
}
