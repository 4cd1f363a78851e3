package org.reef.mqtt.protocol;

import org.reef.mqtt.inflow.ConnectionInflow;
import org.reef.mqtt.session.Session;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * State of one network connection, confined to its event loop (the session, which may outlive it, is separate).
 */
final class Connection {

    int protocolLevel;
    String clientId;
    /** This network connection's id (as in the connection events). */
    String connectionId;
    String username;
    /** Whether the client authenticated as an administrator of the server, who may read {@code $SYS/}. */
    boolean administrator;
    Session session;
    ConnectionInflow inflow;
    /** Whether a CONNECT was received (a second one is a protocol violation, MQTT 3.1.1 [MQTT-3.1.0-2]). */
    boolean connectReceived;
    /** Another connection took the session over: packets still read here are dropped. */
    volatile boolean takenOver;
    /** When this network connection was accepted (wall clock: compared with other nodes' connects). */
    final long openedAtMillis = System.currentTimeMillis();
    /** Whether the session outlives this connection, as negotiated at CONNECT. */
    boolean persistent;
    /** Whether CONNECT resumed an existing session (CONNACK session present). */
    boolean sessionResumed;
    /** DISCONNECT received: no will unless MQTT 5 reason 0x04 asked for it. */
    boolean disconnectedNormally;
    /** Waiting for the container before handling further packets (see {@link ConnectionControl#pause}). */
    boolean paused;
    /**
     * A PUBLISH of an MQTT 3.1 or 3.1.1 client waits for room in the inflow ({@link PublishHandler#mustWait}): it and every
     * packet after it are held, in order, and reading is off until a delivery completes.
     */
    boolean paced;
    /** Subscription checks of this connection waiting for the container, bounded; set at CONNECT. */
    ContainerCallGate containerCalls;
    /** Inbound QoS 1/2 messages not yet acknowledged, against the server's Receive Maximum (MQTT 5). */
    int inboundUnacknowledged;
    /** Topic Aliases the client set for this connection (MQTT 5.0 section 3.3.2.3.4). */
    final Map<Integer, String> topicAliases = new HashMap<>();
    /**
     * Filters this connection subscribed to for itself only ({@link org.reef.mqtt.api.MqttAck#connectionScoped()}):
     * unsubscribed when the connection ends or is taken over, so a persistent session never keeps them.
     */
    final Set<String> connectionScoped = new HashSet<>();
    /** The will of this connection, taken once: by the close handler, or by a takeover. */
    final AtomicReference<WillMessage> will = new AtomicReference<>();

    boolean isV5() {
        return protocolLevel == 5;
    }

    boolean isConnected() {
        return session != null;
    }
}
