package org.reef.mqtt.adapter;

import jakarta.resource.ResourceException;
import jakarta.resource.NotSupportedException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.BrokerLimits;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.broker.SysTopics;
import org.reef.mqtt.api.MqttStatistics;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.inflow.WorkDispatcher;
import org.reef.mqtt.inflow.WorkLane;
import org.reef.mqtt.transport.Listener;
import org.reef.mqtt.transport.ListenerConfig;
import org.reef.mqtt.transport.MqttServer;
import org.reef.mqtt.transport.TlsConfig;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.reef.mqtt.protocol.SessionRestore;
import org.reef.mqtt.session.JdbcSessionStore;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import javax.transaction.xa.XAResource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Reef MQTT resource adapter: starts the embedded broker with the adapter and stops it with the adapter.
 *
 * <p>Every setting is a config-property with a safe default; {@code META-INF/ironjacamar.xml} sets them from
 * {@code REEF_*} environment variables or {@code reef.*} system properties. Invalid values fail {@link #start}, and
 * with it the deployment, instead of leaving a half-working server.
 */
@Connector(
        displayName = "Reef MQTT resource adapter",
        description = "Embedded MQTT server (Netty) with message inflow to MDBs and an outbound connection factory",
        vendorName = "Reef",
        eisType = "MQTT",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction,
        reauthenticationSupport = false)
public class MqttResourceAdapter implements ResourceAdapter {

    /** Container calls of one kind (logins, subscription checks, connection events) running at most at once. */
    static final int APPLICATION_CALLS = 8;
    /** The largest portOffset that keeps every default listener port (8884 at most) valid. */
    static final int MAX_PORT_OFFSET = 65535 - ListenerConfig.DEFAULT_WSS_PORT;

    private static final Logger LOG = Logger.getLogger(MqttResourceAdapter.class.getName());

    @ConfigProperty(defaultValue = "127.0.0.1", description = "Address the MQTT TCP listener binds to")
    private String host = "127.0.0.1";

    @ConfigProperty(defaultValue = "1883", description = "Port of the MQTT TCP listener (0 picks a free port, -1 "
            + "turns it off)")
    private Integer port = 1883;

    @ConfigProperty(defaultValue = "8883", description = "Port of the MQTT over TLS listener, started only when a "
            + "keystore is configured (-1 turns it off)")
    private Integer tlsPort = 8883;

    @ConfigProperty(defaultValue = "", description = "Keystore (PKCS12 or JKS file) with the server's TLS key and "
            + "certificate; empty: no TLS listeners")
    private String tlsKeystore = "";

    @ConfigProperty(defaultValue = "", description = "Password of the TLS keystore (and of its key)",
            confidential = true)
    private String tlsKeystorePassword = "";

    @ConfigProperty(defaultValue = "PKCS12", description = "Type of the TLS keystore and truststore: PKCS12 or JKS")
    private String tlsKeystoreType = "PKCS12";

    @ConfigProperty(defaultValue = "", description = "Truststore with the certificates client certificates must "
            + "chain to; needed when tlsClientAuth is OPTIONAL or REQUIRE")
    private String tlsTruststore = "";

    @ConfigProperty(defaultValue = "", description = "Password of the truststore", confidential = true)
    private String tlsTruststorePassword = "";

    @ConfigProperty(defaultValue = "NONE", description = "TLS client certificates: NONE, OPTIONAL or REQUIRE")
    private String tlsClientAuth = "NONE";

    @ConfigProperty(defaultValue = "8083", description = "Port of the MQTT over WebSocket listener (-1 turns it off)")
    private Integer wsPort = 8083;

    @ConfigProperty(defaultValue = "8084", description = "Port of the MQTT over secure WebSocket listener, started "
            + "only when a keystore is configured (-1 turns it off)")
    private Integer wssPort = 8084;

    @ConfigProperty(defaultValue = "/mqtt", description = "HTTP path of the WebSocket listeners")
    private String wsPath = "/mqtt";

    @ConfigProperty(defaultValue = "0", description = "Added to each listener port left at its default (1883, 8883, "
            + "8083, 8084), like WildFly's socket-binding port offset, so that several nodes can share a host; a port "
            + "set to any other value is used as given")
    private Integer portOffset = 0;

    @ConfigProperty(defaultValue = "262144", description = "Largest MQTT packet accepted, in bytes")
    private Integer maxPacketSize = 262_144;

    @ConfigProperty(defaultValue = "128", description = "Longest client identifier accepted, in characters")
    private Integer maxClientIdLength = 128;

    @ConfigProperty(defaultValue = "false", description = "Accept clients that connect without credentials")
    private Boolean allowAnonymous = Boolean.FALSE;

    @ConfigProperty(defaultValue = "64", description = "Unacknowledged QoS 1/2 messages per client in each "
            + "direction (MQTT 5 Receive Maximum); a client with this many messages waiting for the application is "
            + "no longer read from until they drain (MQTT 3.1.1 clients are paced so, not closed)")
    private Integer maxInflight = 64;

    @ConfigProperty(defaultValue = "0", description = "Netty I/O threads (0: twice the number of cores)")
    private Integer ioThreads = 0;

    @ConfigProperty(defaultValue = "1000", description = "Messages queued per session beyond the inflight window "
            + "(offline or slow client); when full, queued QoS 0 messages are dropped first, then new ones")
    private Integer maxQueued = 1000;

    @ConfigProperty(defaultValue = "4096", description = "Longest topic name or filter, in UTF-8 bytes")
    private Integer maxTopicLength = 4096;

    @ConfigProperty(defaultValue = "128", description = "Most levels in a topic name or filter")
    private Integer maxTopicLevels = 128;

    @ConfigProperty(defaultValue = "3600", description = "Longest keep-alive granted in seconds (0: no cap); MQTT 5 "
            + "clients asking for more (or for none) get Server Keep Alive, MQTT 3.1.x clients asking for more (or "
            + "for none) are closed after 1.5 times this without a packet")
    private Integer maxKeepAlive = 3600;

    @ConfigProperty(defaultValue = "100000", description = "Concurrent connections, counted from accept whether or "
            + "not they sent CONNECT (0: no limit); beyond it new connections are closed at accept")
    private Integer maxConnections = 100_000;

    @ConfigProperty(defaultValue = "1000", description = "Concurrent connections from one remote IP address, "
            + "counted from accept (0: no limit); beyond it new connections from that address are closed at accept")
    private Integer maxConnectionsPerAddress = BrokerLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

    @ConfigProperty(defaultValue = "10", description = "Seconds a new connection has to complete its TLS or "
            + "WebSocket handshake and be accepted with CONNACK; then it is closed")
    private Integer connectTimeout = BrokerLimits.DEFAULT_CONNECT_TIMEOUT_SECONDS;

    @ConfigProperty(defaultValue = "64", description = "Highest MQTT 5 Topic Alias a client may use (0: none)")
    private Integer topicAliasMaximum = 64;

    @ConfigProperty(defaultValue = "604800", description = "Longest session expiry granted in seconds (default 7 "
            + "days); also the lifetime of MQTT 3.1.1 persistent sessions (4294967295: never expire)")
    private Long maxSessionExpiry = 604_800L;

    @ConfigProperty(defaultValue = "50", description = "New MQTT connections per second accepted from one remote IP "
            + "address, over all listeners (0: no limit); beyond it CONNACK 0x9F (MQTT 3.1.1: 0x03) and close")
    private Integer connectRate = BrokerConfig.DEFAULT_CONNECT_RATE;

    @ConfigProperty(defaultValue = "200", description = "MQTT connections one remote IP address may open at once "
            + "before connectRate paces it")
    private Integer connectBurst = BrokerConfig.DEFAULT_CONNECT_BURST;

    @ConfigProperty(defaultValue = "", description = "JNDI name of the DataSource (PostgreSQL) persistent sessions "
            + "are kept in, so that they survive a restart; empty: in memory only")
    private String sessionDataSource = "";

    @ConfigProperty(defaultValue = "30", description = "Seconds a shutdown (undeploy, server stop) may take: "
            + "deliveries already with the application get this long to commit or fail, then MQTT 5 clients get "
            + "DISCONNECT 0x8B, the others are closed, and persistent sessions are written")
    private Integer shutdownTimeout = 30;

    /** Session changes that may wait for the store's writer; beyond, changes are dropped and counted. */
    private static final int SESSION_STORE_CAPACITY = 100_000;

    /** How long start waits for the session store's DataSource and database. */
    private static final long SESSION_STORE_WAIT_SECONDS = 30;

    /** Work waiting for the container's WorkManager; beyond it new deliveries are refused as back-pressure. */
    private static final int WORK_QUEUE_CAPACITY = 10_000;
    @ConfigProperty(defaultValue = "100", description = "Topic filters one SUBSCRIBE may carry; a larger SUBSCRIBE is refused whole (MQTT 5: 0x97 per "
            + "filter, MQTT 3.1.x: 0x80) without asking any endpoint")
    private Integer maxFiltersPerSubscribe = BrokerLimits.DEFAULT_MAX_FILTERS_PER_SUBSCRIBE;

    @ConfigProperty(defaultValue = "8", description = "Subscription checks of one connection waiting for the container at once; the others wait their "
            + "turn")
    private Integer maxPendingContainerCalls = BrokerLimits.DEFAULT_MAX_PENDING_CONTAINER_CALLS;

    @ConfigProperty(defaultValue = "1000", description = "Subscriptions one session may hold; beyond it a new filter gets SUBACK 0x97 (MQTT 3.1.x: 0x80)")
    private Integer maxSubscriptionsPerSession = BrokerLimits.DEFAULT_MAX_SUBSCRIPTIONS_PER_SESSION;

    @ConfigProperty(defaultValue = "1000", description = "CONNECT authentications waiting for the container; beyond it CONNACK 0x88 (MQTT 3.1.x: 0x03)")
    private Integer workQueueLogin = 1000;

    @ConfigProperty(defaultValue = "1000", description = "Subscription checks waiting for the container; beyond it the filter gets SUBACK 0x80")
    private Integer workQueueSubscriptionChecks = 1000;

    @ConfigProperty(defaultValue = "10000", description = "Inbound messages waiting for the container; beyond it no PUBACK (MQTT 5: 0x80)")
    private Integer workQueueInflow = 10000;

    @ConfigProperty(defaultValue = "10000", description = "Connect, disconnect and delivery-report events waiting for the container; beyond it they wait, "
            + "merged per client, and are retried: never dropped")
    private Integer workQueueEvents = 10000;

    @ConfigProperty(defaultValue = "100000", description = "Retained messages kept over all topics; a retained PUBLISH beyond it is refused (MQTT 5: PUBACK "
            + "0x97)")
    private Integer maxRetained = BrokerLimits.DEFAULT_MAX_RETAINED;

    @ConfigProperty(defaultValue = "67108864", description = "Payload and topic bytes of all retained messages; beyond it like maxRetained")
    private Long maxRetainedBytes = BrokerLimits.DEFAULT_MAX_RETAINED_BYTES;

    @ConfigProperty(defaultValue = "1000", description = "Retained messages one user may have set (anonymous clients count as one user); beyond it like "
            + "maxRetained")
    private Integer maxRetainedPerUser = BrokerLimits.DEFAULT_MAX_RETAINED_PER_USER;

    @ConfigProperty(defaultValue = "100", description = "Persistent sessions (client ids) one user may hold at once; beyond it CONNACK 0x97 (MQTT 3.1.x: "
            + "0x03)")
    private Integer maxSessionsPerUser = BrokerLimits.DEFAULT_MAX_SESSIONS_PER_USER;

    @ConfigProperty(defaultValue = "16777216", description = "Payload and topic bytes queued for one session; beyond it the drop policy applies")
    private Long maxQueuedBytes = BrokerLimits.DEFAULT_MAX_QUEUED_BYTES;

    @ConfigProperty(defaultValue = "268435456", description = "Payload and topic bytes queued over all sessions; beyond it the drop policy applies")
    private Long maxQueuedBytesTotal = BrokerLimits.DEFAULT_MAX_QUEUED_BYTES_TOTAL;

    @ConfigProperty(defaultValue = "64", description = "Topic Aliases the server uses towards one MQTT 5 client, whatever larger Topic Alias Maximum "
            + "the client offers")
    private Integer maxOutboundTopicAliases = BrokerLimits.DEFAULT_MAX_OUTBOUND_TOPIC_ALIASES;

    @ConfigProperty(defaultValue = "false", description = "Whether a client without credentials may keep a session beyond its connection; off: its session "
            + "ends with the connection (MQTT 5 CONNACK Session Expiry Interval 0)")
    private Boolean persistentAnonymousSessions = Boolean.FALSE;

    @ConfigProperty(defaultValue = "im/#", description = "Comma-separated topic filters of namespaces reserved for the application: until an inflow endpoint "
            + "covering one and a connection listener guarding it are active, PUBLISH, retained messages and wills "
            + "into it and SUBSCRIBE filters reaching into it are refused (0x87; MQTT 3.1.x SUBACK 0x80)")
    private String reservedTopics = BrokerLimits.DEFAULT_RESERVED_TOPICS;

    @ConfigProperty(defaultValue = "10", description = "Seconds between updates of the broker's $SYS/broker/... topics "
            + "(retained, readable by administrators); 0 turns them off")
    private Integer sysInterval = 10;

    private transient WorkDispatcher dispatcher;
    /** Where each delivery learns whether its transaction committed; null if the container offers none. */
    private transient TransactionSynchronizationRegistry transactions;
    private transient MqttBroker broker;
    private transient MqttServer server;
    private transient JdbcSessionStore sessionStore;
    /** Where restored sessions live until their clients come back. */
    private transient EventExecutor restoredSessions;
    private transient SysTopics sysTopics;
    private final transient AdapterStatistics statistics = new AdapterStatistics(this);
    /**
     * When the shutdown must be over ({@link System#nanoTime()}), set by the first endpoint deactivation (the
     * container deactivates the MDBs before it stops the adapter) and cleared by an activation; 0 while none began.
     */
    private transient long shutdownDeadlineNanos;

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        BrokerConfig config;
        ListenerConfig listeners;
        try {
            config = new BrokerConfig(maxPacketSize, maxClientIdLength, allowAnonymous,
                    maxInflight, ioThreads, maxQueued, maxTopicLength, maxTopicLevels, maxKeepAlive, maxConnections,
                    topicAliasMaximum, maxSessionExpiry, connectRate, connectBurst, limits());
            if (portOffset == null || portOffset < 0 || portOffset > MAX_PORT_OFFSET) {
                throw new IllegalArgumentException("portOffset must be between 0 and " + MAX_PORT_OFFSET + ": "
                        + portOffset);
            }
            listeners = new ListenerConfig(host, offset(port, ListenerConfig.DEFAULT_TCP_PORT),
                    offset(tlsPort, ListenerConfig.DEFAULT_TLS_PORT), offset(wsPort, ListenerConfig.DEFAULT_WS_PORT),
                    offset(wssPort, ListenerConfig.DEFAULT_WSS_PORT), wsPath,
                    TlsConfig.fromProperties(tlsKeystore, tlsKeystorePassword, tlsKeystoreType, tlsTruststore,
                            tlsTruststorePassword, tlsClientAuth));
            if (sysInterval == null || sysInterval < 0) {
                throw new IllegalArgumentException("sysInterval must be 0 (off) or more seconds: " + sysInterval);
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResourceAdapterInternalException("invalid MQTT adapter configuration: " + e.getMessage(), e);
        }
        if (shutdownTimeout == null || shutdownTimeout < 1) {
            throw new ResourceAdapterInternalException("invalid MQTT adapter configuration: shutdownTimeout must be "
                    + "at least 1 second: " + shutdownTimeout);
        }
        WorkDispatcher newDispatcher;
        try {
            // Logins, subscription checks and connection events each run at most APPLICATION_CALLS at once (inflow
            // is bounded per endpoint by its maxConcurrency): each takes a database connection in the application.
            newDispatcher = new WorkDispatcher(context.getWorkManager(), Map.of(WorkLane.LOGIN, workQueueLogin,
                    WorkLane.SUBSCRIPTION_CHECK, workQueueSubscriptionChecks, WorkLane.INFLOW, workQueueInflow,
                    WorkLane.EVENTS, workQueueEvents), Map.of(WorkLane.LOGIN, APPLICATION_CALLS,
                    WorkLane.SUBSCRIPTION_CHECK, APPLICATION_CALLS, WorkLane.EVENTS, APPLICATION_CALLS));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResourceAdapterInternalException("invalid MQTT adapter configuration: " + e.getMessage(), e);
        }
        MqttBroker newBroker = new MqttBroker(config, newDispatcher);
        MqttServer newServer = new MqttServer(newBroker, listeners);
        try {
            restoreSessions(newBroker);
            newServer.start();
        } catch (InterruptedException e) {
            stopSessionStore();
            newDispatcher.stop();
            Thread.currentThread().interrupt();
            throw new ResourceAdapterInternalException("interrupted while starting the MQTT listeners", e);
        } catch (RuntimeException e) {
            stopSessionStore();
            newDispatcher.stop();
            throw new ResourceAdapterInternalException("cannot start the MQTT listeners: " + e.getMessage(), e);
        }
        transactions = context.getTransactionSynchronizationRegistry();
        if (transactions == null) {
            LOG.warning("The container offers no TransactionSynchronizationRegistry: a delivery counts as committed "
                    + "when afterDelivery returns, which a container that rolls back silently makes untrue");
        }
        dispatcher = newDispatcher;
        broker = newBroker;
        server = newServer;
        sysTopics = new SysTopics(newBroker);
        sysTopics.start(sysInterval);
        LOG.log(Level.INFO, "Reef MQTT adapter started: TCP {0}, TLS {1}, WebSocket {2}, secure WebSocket {3} "
                + "(anonymous access {4})", new Object[]{String.valueOf(port(Listener.TCP)),
                String.valueOf(port(Listener.TLS)), String.valueOf(port(Listener.WS)),
                String.valueOf(port(Listener.WSS)), allowAnonymous});
    }

    /**
     * With a session DataSource configured: opens the store, restores the sessions it kept, and installs it. Waits
     * up to {@link #SESSION_STORE_WAIT_SECONDS} for the DataSource and the database; without them the adapter does not
     * start (starting with the sessions forgotten would silently lose what clients were promised).
     */
    private void restoreSessions(MqttBroker newBroker) throws InterruptedException {
        if (sessionDataSource == null || sessionDataSource.isBlank()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SESSION_STORE_WAIT_SECONDS);
        while (true) {
            try {
                DataSource dataSource = (DataSource) new InitialContext().lookup(sessionDataSource);
                JdbcSessionStore store = new JdbcSessionStore(dataSource, SESSION_STORE_CAPACITY);
                store.start();
                sessionStore = store;
                break;
            } catch (NamingException | SQLException | ClassCastException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the session store " + sessionDataSource + " is unavailable: "
                            + e, e);
                }
                LOG.log(Level.INFO, "Waiting for the session store {0}: {1}", new Object[]{sessionDataSource,
                        e.toString()});
                TimeUnit.SECONDS.sleep(1);
            }
        }
        restoredSessions = new DefaultEventExecutor(new DefaultThreadFactory("reef-mqtt-sessions"));
        newBroker.sessionStore(sessionStore);
        SessionRestore.restore(newBroker, sessionStore.load(), restoredSessions);
    }

    /** Writes what the session store still holds, then closes it. */
    private void stopSessionStore() {
        stopSessionStore(TimeUnit.SECONDS.toNanos(10));
    }

    /** Writes what the session store still holds, waiting at most {@code timeoutNanos} for the database. */
    private void stopSessionStore(long timeoutNanos) {
        if (sessionStore != null) {
            sessionStore.close(Math.max(TimeUnit.NANOSECONDS.toMillis(timeoutNanos), 1), TimeUnit.MILLISECONDS);
            sessionStore = null;
        }
        if (restoredSessions != null) {
            restoredSessions.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            restoredSessions = null;
        }
    }

    /** The resource bounds from the config-properties; invalid values throw IllegalArgumentException. */
    private BrokerLimits limits() {
        return BrokerLimits.builder()
                .connectTimeoutSeconds(connectTimeout)
                .maxConnectionsPerAddress(maxConnectionsPerAddress)
                .maxFiltersPerSubscribe(maxFiltersPerSubscribe)
                .maxPendingContainerCalls(maxPendingContainerCalls)
                .maxSubscriptionsPerSession(maxSubscriptionsPerSession)
                .maxRetained(maxRetained)
                .maxRetainedBytes(maxRetainedBytes)
                .maxRetainedPerUser(maxRetainedPerUser)
                .maxSessionsPerUser(maxSessionsPerUser)
                .maxQueuedBytes(maxQueuedBytes)
                .maxQueuedBytesTotal(maxQueuedBytesTotal)
                .maxOutboundTopicAliases(maxOutboundTopicAliases)
                .persistentAnonymousSessions(persistentAnonymousSessions)
                .reservedTopics(BrokerLimits.parseFilters(reservedTopics))
                .build();
    }

    /**
     * Stops the broker gracefully, within {@code shutdownTimeout} counted from the first endpoint deactivation:
     * <ol>
     * <li>new connections are refused (the listeners close; a CONNECT still arriving gets CONNACK 0x88) and the open
     *     connections are no longer read from;</li>
     * <li>endpoints the container did not deactivate are deactivated; deliveries already inside an endpoint get until
     *     the deadline (less a reserve for the session store) to commit or fail, and their verdicts are written to
     *     their connections (only a committed delivery is acknowledged);</li>
     * <li>MQTT 5 clients get DISCONNECT 0x8B (Server shutting down), the others are closed: closing hands each
     *     persistent session's state to the session store;</li>
     * <li>the session store writes what it holds, until the deadline.</li>
     * </ol>
     */
    @Override
    public void stop() {
        if (sysTopics != null) {
            sysTopics.stop();
            sysTopics = null;
        }
        long started = System.nanoTime();
        long deadline = stopDeadline(started);
        long drainBy = deadline - reserveNanos();
        MqttBroker current = broker;
        if (current != null) {
            current.beginShutdown();
        }
        if (server != null) {
            server.stopAccepting();
        }
        if (current != null) {
            drain(current, drainBy);
        }
        if (server != null) {
            int left = server.disconnectAll(drainBy);
            if (left > 0) {
                LOG.log(Level.WARNING, "{0} MQTT connections did not close in time; closing them abruptly", left);
            }
            server.stop(); // closing the connections hands the persistent sessions' state to the store
            server = null;
        }
        stopSessionStore(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1)));
        if (dispatcher != null) {
            dispatcher.stop();
            dispatcher = null;
        }
        if (broker != null) {
            broker.connectionEvents().close();
        }
        broker = null;
        synchronized (this) {
            shutdownDeadlineNanos = 0;
        }
        LOG.log(Level.INFO, "Reef MQTT adapter stopped in {0} ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * The deadline of a stop: the one the endpoint deactivations began, if it is still ahead; else a full timeout
     * from now (the adapter is stopped without its endpoints, or long after one was deactivated on its own).
     */
    private synchronized long stopDeadline(long now) {
        if (shutdownDeadlineNanos != 0 && shutdownDeadlineNanos - now > 0) {
            return shutdownDeadlineNanos;
        }
        return now + TimeUnit.SECONDS.toNanos(shutdownTimeout);
    }

    /** The deadline of the shutdown that an endpoint deactivation begins (or continues). */
    private synchronized long deactivationDeadline() {
        long now = System.nanoTime();
        if (shutdownDeadlineNanos == 0 || shutdownDeadlineNanos - now < 0) {
            shutdownDeadlineNanos = now + TimeUnit.SECONDS.toNanos(shutdownTimeout);
        }
        return shutdownDeadlineNanos;
    }

    /** Time kept at the end of a shutdown for writing persistent sessions: a quarter of it, at most 5 s. */
    private long reserveNanos() {
        return Math.min(TimeUnit.SECONDS.toNanos(shutdownTimeout) / 4, TimeUnit.SECONDS.toNanos(5));
    }

    /**
     * Deactivates the endpoints still active, waits until no delivery is inside any endpoint and every verdict was
     * written to its connection, or until the deadline.
     */
    private static void drain(MqttBroker current, long deadline) {
        List<MqttActivation> endpoints = new ArrayList<>(current.inflow().all());
        endpoints.addAll(current.connectionEvents().all());
        endpoints.forEach(MqttActivation::deactivate);
        try {
            for (MqttActivation endpoint : endpoints) {
                endpoint.awaitIdle(deadline);
            }
            while (current.inflowPending().get() > 0 && deadline - System.nanoTime() > 0) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int pending = current.inflowPending().get();
        if (pending > 0) {
            LOG.log(Level.WARNING, "Shutdown timeout: {0} inbound messages are still with the application; their "
                    + "clients get no acknowledgement for them and send them again", pending);
        }
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpointFactory, ActivationSpec spec)
            throws ResourceException {
        if (!(spec instanceof MqttActivationSpec mqttSpec)) {
            throw new NotSupportedException("unsupported activation spec " + spec.getClass().getName());
        }
        MqttActivation activation = new MqttActivation(endpointFactory, mqttSpec, transactions);
        MqttBroker current = requireStarted();
        synchronized (this) {
            shutdownDeadlineNanos = 0; // an endpoint came (back): no shutdown is under way
        }
        if (activation.isConnectionListener()) {
            mqttSpec.validate(false);
            current.addConnectionListener(activation);
            LOG.log(Level.INFO, "Endpoint {0} activated for connection events (namespace {1})",
                    new Object[]{endpointFactory.getActivationName(), mqttSpec.getTopicFilter()});
        } else {
            mqttSpec.validate(true);
            current.inflow().add(activation);
            LOG.log(Level.INFO, "Endpoint {0} activated on topic filter {1}",
                    new Object[]{endpointFactory.getActivationName(), mqttSpec.getTopicFilter()});
        }
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) {
        MqttBroker current = broker;
        if (current == null || !(spec instanceof MqttActivationSpec mqttSpec)) {
            return;
        }
        MqttActivation removed = current.inflow().remove(endpointFactory, mqttSpec);
        if (removed == null) {
            removed = current.connectionEvents().remove(endpointFactory, mqttSpec);
        }
        if (removed == null) {
            return;
        }
        // JCA 2.1 section 13.4.4: once this returns the container tears the endpoint down. Deliveries not yet in it
        // fail now (not acknowledged); those inside it may still commit, and their clients must hear of it.
        removed.deactivate();
        long deadline = deactivationDeadline() - reserveNanos();
        int busy = removed.inFlight();
        if (busy > 0) {
            LOG.log(Level.INFO, "Endpoint {0} deactivating: waiting for {1} deliveries in progress",
                    new Object[]{endpointFactory.getActivationName(), busy});
        }
        try {
            if (!removed.awaitIdle(deadline)) {
                LOG.log(Level.WARNING, "Endpoint {0} deactivated with {1} deliveries still in progress at the "
                        + "shutdown timeout", new Object[]{endpointFactory.getActivationName(), removed.inFlight()});
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "Endpoint {0} deactivated", endpointFactory.getActivationName());
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return null;
    }

    /** The running broker, for the outbound connection factory. */
    public MqttBroker requireStarted() throws ResourceAdapterInternalException {
        MqttBroker current = broker;
        if (current == null) {
            throw new ResourceAdapterInternalException("the MQTT adapter is not started");
        }
        return current;
    }

    /** The bound port of a listener, or -1 when it is off or the adapter is stopped. */
    /** The broker's counters and state for monitoring; a live view that answers 0 while the adapter is stopped. */
    public MqttStatistics statistics() {
        return statistics;
    }

    /** The running broker, or null. */
    MqttBroker currentBroker() {
        return broker;
    }

    /** The running listeners, or null. */
    MqttServer currentServer() {
        return server;
    }

    public int port(Listener kind) {
        MqttServer current = server;
        return current == null ? -1 : current.port(kind);
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public Integer getPortOffset() {
        return portOffset;
    }

    public void setPortOffset(Integer portOffset) {
        this.portOffset = portOffset;
    }

    /**
     * A listener port after {@code portOffset}: a port left at its default moves by the offset (REEF_PORT_OFFSET, as
     * WildFly moves its own ports), any other value (set explicitly, 0 for a free port, -1 for off) stays.
     */
    int offset(Integer configured, int defaultPort) {
        if (configured == null || configured != defaultPort || portOffset == null) {
            return configured == null ? defaultPort : configured;
        }
        return defaultPort + portOffset;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Integer getMaxPacketSize() {
        return maxPacketSize;
    }

    public void setMaxPacketSize(Integer maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    public Integer getMaxClientIdLength() {
        return maxClientIdLength;
    }

    public void setMaxClientIdLength(Integer maxClientIdLength) {
        this.maxClientIdLength = maxClientIdLength;
    }

    public Boolean getAllowAnonymous() {
        return allowAnonymous;
    }

    public void setAllowAnonymous(Boolean allowAnonymous) {
        this.allowAnonymous = allowAnonymous;
    }

    public Integer getMaxInflight() {
        return maxInflight;
    }

    public void setMaxInflight(Integer maxInflight) {
        this.maxInflight = maxInflight;
    }

    public Integer getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(Integer ioThreads) {
        this.ioThreads = ioThreads;
    }

    public Integer getTlsPort() {
        return tlsPort;
    }

    public void setTlsPort(Integer tlsPort) {
        this.tlsPort = tlsPort;
    }

    public String getTlsKeystore() {
        return tlsKeystore;
    }

    public void setTlsKeystore(String tlsKeystore) {
        this.tlsKeystore = tlsKeystore;
    }

    public String getTlsKeystorePassword() {
        return tlsKeystorePassword;
    }

    public void setTlsKeystorePassword(String tlsKeystorePassword) {
        this.tlsKeystorePassword = tlsKeystorePassword;
    }

    public String getTlsKeystoreType() {
        return tlsKeystoreType;
    }

    public void setTlsKeystoreType(String tlsKeystoreType) {
        this.tlsKeystoreType = tlsKeystoreType;
    }

    public String getTlsTruststore() {
        return tlsTruststore;
    }

    public void setTlsTruststore(String tlsTruststore) {
        this.tlsTruststore = tlsTruststore;
    }

    public String getTlsTruststorePassword() {
        return tlsTruststorePassword;
    }

    public void setTlsTruststorePassword(String tlsTruststorePassword) {
        this.tlsTruststorePassword = tlsTruststorePassword;
    }

    public String getTlsClientAuth() {
        return tlsClientAuth;
    }

    public void setTlsClientAuth(String tlsClientAuth) {
        this.tlsClientAuth = tlsClientAuth;
    }

    public Integer getWsPort() {
        return wsPort;
    }

    public void setWsPort(Integer wsPort) {
        this.wsPort = wsPort;
    }

    public Integer getWssPort() {
        return wssPort;
    }

    public void setWssPort(Integer wssPort) {
        this.wssPort = wssPort;
    }

    public String getWsPath() {
        return wsPath;
    }

    public void setWsPath(String wsPath) {
        this.wsPath = wsPath;
    }

    public Integer getMaxQueued() {
        return maxQueued;
    }

    public void setMaxQueued(Integer maxQueued) {
        this.maxQueued = maxQueued;
    }

    public Integer getMaxTopicLength() {
        return maxTopicLength;
    }

    public void setMaxTopicLength(Integer maxTopicLength) {
        this.maxTopicLength = maxTopicLength;
    }

    public Integer getMaxTopicLevels() {
        return maxTopicLevels;
    }

    public void setMaxTopicLevels(Integer maxTopicLevels) {
        this.maxTopicLevels = maxTopicLevels;
    }

    public Integer getMaxKeepAlive() {
        return maxKeepAlive;
    }

    public void setMaxKeepAlive(Integer maxKeepAlive) {
        this.maxKeepAlive = maxKeepAlive;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getMaxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    public void setMaxConnectionsPerAddress(Integer maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    public Integer getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Integer connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Integer getTopicAliasMaximum() {
        return topicAliasMaximum;
    }

    public void setTopicAliasMaximum(Integer topicAliasMaximum) {
        this.topicAliasMaximum = topicAliasMaximum;
    }

    public Long getMaxSessionExpiry() {
        return maxSessionExpiry;
    }

    public void setMaxSessionExpiry(Long maxSessionExpiry) {
        this.maxSessionExpiry = maxSessionExpiry;
    }

    public Integer getConnectRate() {
        return connectRate;
    }

    public void setConnectRate(Integer connectRate) {
        this.connectRate = connectRate;
    }

    public Integer getConnectBurst() {
        return connectBurst;
    }

    public void setConnectBurst(Integer connectBurst) {
        this.connectBurst = connectBurst;
    }

    public Integer getMaxFiltersPerSubscribe() {
        return maxFiltersPerSubscribe;
    }

    public void setMaxFiltersPerSubscribe(Integer maxFiltersPerSubscribe) {
        this.maxFiltersPerSubscribe = maxFiltersPerSubscribe;
    }

    public Integer getMaxPendingContainerCalls() {
        return maxPendingContainerCalls;
    }

    public void setMaxPendingContainerCalls(Integer maxPendingContainerCalls) {
        this.maxPendingContainerCalls = maxPendingContainerCalls;
    }

    public Integer getMaxSubscriptionsPerSession() {
        return maxSubscriptionsPerSession;
    }

    public void setMaxSubscriptionsPerSession(Integer maxSubscriptionsPerSession) {
        this.maxSubscriptionsPerSession = maxSubscriptionsPerSession;
    }

    public Integer getWorkQueueLogin() {
        return workQueueLogin;
    }

    public void setWorkQueueLogin(Integer workQueueLogin) {
        this.workQueueLogin = workQueueLogin;
    }

    public Integer getWorkQueueSubscriptionChecks() {
        return workQueueSubscriptionChecks;
    }

    public void setWorkQueueSubscriptionChecks(Integer workQueueSubscriptionChecks) {
        this.workQueueSubscriptionChecks = workQueueSubscriptionChecks;
    }

    public Integer getWorkQueueInflow() {
        return workQueueInflow;
    }

    public void setWorkQueueInflow(Integer workQueueInflow) {
        this.workQueueInflow = workQueueInflow;
    }

    public Integer getWorkQueueEvents() {
        return workQueueEvents;
    }

    public void setWorkQueueEvents(Integer workQueueEvents) {
        this.workQueueEvents = workQueueEvents;
    }

    public Integer getMaxRetained() {
        return maxRetained;
    }

    public void setMaxRetained(Integer maxRetained) {
        this.maxRetained = maxRetained;
    }

    public Long getMaxRetainedBytes() {
        return maxRetainedBytes;
    }

    public void setMaxRetainedBytes(Long maxRetainedBytes) {
        this.maxRetainedBytes = maxRetainedBytes;
    }

    public Integer getMaxRetainedPerUser() {
        return maxRetainedPerUser;
    }

    public void setMaxRetainedPerUser(Integer maxRetainedPerUser) {
        this.maxRetainedPerUser = maxRetainedPerUser;
    }

    public Integer getMaxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    public void setMaxSessionsPerUser(Integer maxSessionsPerUser) {
        this.maxSessionsPerUser = maxSessionsPerUser;
    }

    public Long getMaxQueuedBytes() {
        return maxQueuedBytes;
    }

    public void setMaxQueuedBytes(Long maxQueuedBytes) {
        this.maxQueuedBytes = maxQueuedBytes;
    }

    public Long getMaxQueuedBytesTotal() {
        return maxQueuedBytesTotal;
    }

    public void setMaxQueuedBytesTotal(Long maxQueuedBytesTotal) {
        this.maxQueuedBytesTotal = maxQueuedBytesTotal;
    }

    public Integer getMaxOutboundTopicAliases() {
        return maxOutboundTopicAliases;
    }

    public void setMaxOutboundTopicAliases(Integer maxOutboundTopicAliases) {
        this.maxOutboundTopicAliases = maxOutboundTopicAliases;
    }

    public Boolean getPersistentAnonymousSessions() {
        return persistentAnonymousSessions;
    }

    public void setPersistentAnonymousSessions(Boolean persistentAnonymousSessions) {
        this.persistentAnonymousSessions = persistentAnonymousSessions;
    }

    public Integer getSysInterval() {
        return sysInterval;
    }

    public void setSysInterval(Integer sysInterval) {
        this.sysInterval = sysInterval;
    }

    public Integer getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Integer shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public String getReservedTopics() {
        return reservedTopics;
    }

    public void setReservedTopics(String reservedTopics) {
        this.reservedTopics = reservedTopics;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttResourceAdapter other && Objects.equals(host, other.host)
                && Objects.equals(port, other.port) && Objects.equals(portOffset, other.portOffset)
                && Objects.equals(maxPacketSize, other.maxPacketSize)
                && Objects.equals(maxClientIdLength, other.maxClientIdLength)
                && Objects.equals(allowAnonymous, other.allowAnonymous)
                && Objects.equals(maxInflight, other.maxInflight) && Objects.equals(ioThreads, other.ioThreads)
                && Objects.equals(maxQueued, other.maxQueued) && Objects.equals(maxTopicLength, other.maxTopicLength)
                && Objects.equals(maxTopicLevels, other.maxTopicLevels)
                && Objects.equals(maxKeepAlive, other.maxKeepAlive)
                && Objects.equals(maxConnections, other.maxConnections)
                && Objects.equals(maxConnectionsPerAddress, other.maxConnectionsPerAddress)
                && Objects.equals(connectTimeout, other.connectTimeout)
                && Objects.equals(topicAliasMaximum, other.topicAliasMaximum)
                && Objects.equals(maxSessionExpiry, other.maxSessionExpiry)
                && Objects.equals(connectRate, other.connectRate)
                && Objects.equals(reservedTopics, other.reservedTopics)
                && Objects.equals(shutdownTimeout, other.shutdownTimeout)
                && Objects.equals(persistentAnonymousSessions, other.persistentAnonymousSessions)
                && Objects.equals(maxOutboundTopicAliases, other.maxOutboundTopicAliases)
                && Objects.equals(maxQueuedBytesTotal, other.maxQueuedBytesTotal)
                && Objects.equals(maxQueuedBytes, other.maxQueuedBytes)
                && Objects.equals(maxSessionsPerUser, other.maxSessionsPerUser)
                && Objects.equals(maxRetainedPerUser, other.maxRetainedPerUser)
                && Objects.equals(maxRetainedBytes, other.maxRetainedBytes)
                && Objects.equals(maxRetained, other.maxRetained)
                && Objects.equals(workQueueEvents, other.workQueueEvents)
                && Objects.equals(workQueueInflow, other.workQueueInflow)
                && Objects.equals(workQueueSubscriptionChecks, other.workQueueSubscriptionChecks)
                && Objects.equals(workQueueLogin, other.workQueueLogin)
                && Objects.equals(maxSubscriptionsPerSession, other.maxSubscriptionsPerSession)
                && Objects.equals(maxPendingContainerCalls, other.maxPendingContainerCalls)
                && Objects.equals(maxFiltersPerSubscribe, other.maxFiltersPerSubscribe)
                && Objects.equals(connectBurst, other.connectBurst)
                && Objects.equals(tlsPort, other.tlsPort) && Objects.equals(tlsKeystore, other.tlsKeystore)
                && Objects.equals(tlsKeystoreType, other.tlsKeystoreType)
                && Objects.equals(tlsTruststore, other.tlsTruststore)
                && Objects.equals(tlsClientAuth, other.tlsClientAuth) && Objects.equals(wsPort, other.wsPort)
                && Objects.equals(wssPort, other.wssPort) && Objects.equals(wsPath, other.wsPath)
                && Objects.equals(sessionDataSource, other.sessionDataSource)
                && Objects.equals(sysInterval, other.sysInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port);
    }

    public String getSessionDataSource() {
        return sessionDataSource;
    }

    public void setSessionDataSource(String sessionDataSource) {
        this.sessionDataSource = sessionDataSource;
    }
}
