package org.reef.mqtt.broker;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the broker's traffic and refusals, cheap to bump from any thread: {@link LongAdder}s (no lock, no
 * allocation), read by monitoring (the application's metrics, the {@code $SYS} topics) when it asks.
 */
public final class BrokerMetrics {

    private final LongAdder[] received = {new LongAdder(), new LongAdder(), new LongAdder()};
    /** CONNECTs refused with a CONNACK, by MQTT 5 reason code (rare: an array of plain atomics is enough). */
    private final AtomicLongArray connectRefusals = new AtomicLongArray(256);
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();

    private final LongAdder connections = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder inflowDelivered = new LongAdder();
    private final LongAdder inflowFailed = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder authenticationsRefused = new LongAdder();
    private final LongAdder refusedPublishes = new LongAdder();
    private final LongAdder refusedSubscriptions = new LongAdder();
    private final LongAdder queueDrops = new LongAdder();
    private final LongAdder rateLimitedConnections = new LongAdder();
    private final LongAdder connectTimeouts = new LongAdder();
    private final LongAdder refusedAtAccept = new LongAdder();

    public void connectionAccepted() {
        connections.increment();
    }

    /** A client's PUBLISH arrived (a resent QoS 2 duplicate does not count again). */
    public void published(int qos) {
        published.increment();
        received[qos].increment();
    }

    public long receivedCount(int qos) {
        return received[qos].sum();
    }

    /**
     * A CONNECT was refused with this MQTT 5 reason code (also for an MQTT 3.1.x client, which was sent the 3.1.1
     * code of the same meaning, or closed without CONNACK where 3.1.1 has none).
     */
    public void connectRefused(int reasonCode) {
        connectRefusals.incrementAndGet(reasonCode & 0xFF);
    }

    public long connectRefusedCount(int reasonCode) {
        return connectRefusals.get(reasonCode & 0xFF);
    }

    /** Network bytes read from clients (TLS and WebSocket framing included). */
    public void bytesReceived(long bytes) {
        bytesReceived.add(bytes);
    }

    /** Network bytes written to clients (TLS and WebSocket framing included). */
    public void bytesSent(long bytes) {
        bytesSent.add(bytes);
    }

    public long bytesReceivedCount() {
        return bytesReceived.sum();
    }

    public long bytesSentCount() {
        return bytesSent.sum();
    }

    public void inflowDelivered() {
        inflowDelivered.increment();
    }

    public void inflowFailed() {
        inflowFailed.increment();
    }

    public void protocolError() {
        protocolErrors.increment();
    }

    public void authenticationRefused() {
        authenticationsRefused.increment();
    }

    public void publishRefused() {
        refusedPublishes.increment();
    }

    /** A session's full queue dropped a message (the documented drop policy). */
    public void queueDropped() {
        queueDrops.increment();
    }

    public long queueDropCount() {
        return queueDrops.sum();
    }

    /** A CONNECT refused because its address opened connections faster than the connection rate allows. */
    public void connectionRateLimited() {
        rateLimitedConnections.increment();
    }

    public long rateLimitedConnectionCount() {
        return rateLimitedConnections.sum();
    }

    /** A connection closed because it was not accepted with a CONNACK within the CONNECT deadline. */
    public void connectTimedOut() {
        connectTimeouts.increment();
    }

    public long connectTimeoutCount() {
        return connectTimeouts.sum();
    }

    /** A connection closed at accept because the global or the per-address connection cap was reached. */
    public void refusedAtAccept() {
        refusedAtAccept.increment();
    }

    public long refusedAtAcceptCount() {
        return refusedAtAccept.sum();
    }

    public void subscriptionRefused() {
        refusedSubscriptions.increment();
    }

    public long refusedSubscriptionCount() {
        return refusedSubscriptions.sum();
    }

    public long authenticationsRefusedCount() {
        return authenticationsRefused.sum();
    }

    public long refusedPublishCount() {
        return refusedPublishes.sum();
    }

    public long connections() {
        return connections.sum();
    }

    public long publishedCount() {
        return published.sum();
    }

    public long inflowDeliveredCount() {
        return inflowDelivered.sum();
    }

    public long inflowFailedCount() {
        return inflowFailed.sum();
    }

    public long protocolErrorCount() {
        return protocolErrors.sum();
    }
}
