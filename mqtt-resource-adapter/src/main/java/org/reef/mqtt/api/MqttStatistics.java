package org.reef.mqtt.api;

import java.util.List;

/**
 * A live, read-only view of the embedded broker's counters and state, for monitoring: an application registers its
 * metrics (gauges and counters that call these methods when scraped) and health checks on it. Every method is
 * cheap and lock-free: it sums counters the broker keeps anyway; nothing is counted on the broker's hot path for
 * the sake of this view beyond an uncontended add. Counters start at 0 when the adapter starts; while the adapter is
 * stopped every method answers 0 or false.
 */
public interface MqttStatistics {

    /** The listener names {@link #openConnections} knows: MQTT over TCP, over TLS, over WebSocket, over secure WebSocket. */
    List<String> LISTENERS = List.of("tcp", "tls", "ws", "wss");

    /**
     * The reasons {@link #connectRefusals} knows: the MQTT 5 CONNACK reason codes the broker refuses with (an MQTT 3.1.x
     * client got the 3.1.1 code of the same meaning), plus two closes without CONNACK.
     */
    List<String> CONNECT_REFUSAL_REASONS = List.of("0x82", "0x84", "0x85", "0x86", "0x87", "0x88", "0x8c", "0x90",
            "0x97", "0x9f", "accept_limit", "connect_timeout");

    /** The causes {@link #messagesDropped} knows (see the README's drop policy). */
    List<String> DROP_CAUSES = List.of("queue_full", "backlog", "too_large", "expired", "offline");

    /** Network connections of one listener ({@link #LISTENERS}) open now, counted from accept. */
    long openConnections(String listener);

    /** Clients accepted with a successful CONNACK since the adapter started. */
    long connects();

    /** CONNECTs refused for one reason ({@link #CONNECT_REFUSAL_REASONS}) since the adapter started. */
    long connectRefusals(String reason);

    /** PUBLISH packets received from clients with this QoS (0, 1 or 2). */
    long messagesReceived(int qos);

    /** PUBLISH packets written to clients with this QoS (0, 1 or 2), resends included. */
    long messagesSent(int qos);

    /** Messages meant for a subscriber that never reached it, for one cause ({@link #DROP_CAUSES}). */
    long messagesDropped(String cause);

    /** Messages waiting in sessions' queues beyond their inflight windows now (offline sessions' included). */
    long queuedMessages();

    /** Whether every MQTT listener the configuration enables is bound and accepting. */
    boolean listenersBound();

    /**
     * Whether the application's reserved namespaces ({@code REEF_MQTT_RESERVED_TOPICS}) are open: each has an active
     * inflow endpoint and an active connection listener guarding it. While not, the broker refuses them.
     */
    boolean reservedTopicsOpen();

    /** Message-driven endpoints activated on the adapter now: inflow and connection listeners. */
    int activeEndpoints();
}
