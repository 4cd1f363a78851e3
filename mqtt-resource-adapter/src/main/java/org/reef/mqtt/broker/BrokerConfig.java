package org.reef.mqtt.broker;

/**
 * Validated settings of the embedded broker, built by the resource adapter from its config-properties (the
 * listeners' addresses and ports are in {@link org.reef.mqtt.transport.ListenerConfig}).
 *
 * @param maxPacketSize     largest packet accepted, in bytes (MQTT 5 Maximum Packet Size sent in CONNACK)
 * @param maxClientIdLength longest client identifier accepted, in characters
 * @param allowAnonymous    whether a CONNECT without credentials is accepted
 * @param maxInflight       outbound QoS 1/2 messages awaiting acknowledgement per client; inbound QoS 1/2 messages
 *                          an MQTT 5 client may have unacknowledged (Receive Maximum); and a client's inbound
 *                          messages waiting for the application before the server stops reading from it (which paces
 *                          MQTT 3.1/3.1.1 clients, who have no Receive Maximum)
 * @param ioThreads         Netty event loop threads; 0 means Netty's default (2 x cores)
 * @param maxQueued         messages queued per session beyond the inflight window (offline or slow client)
 * @param maxTopicLength    longest topic name or filter, in UTF-8 bytes
 * @param maxTopicLevels    most levels in a topic name or filter
 * @param maxKeepAlive      longest keep-alive granted, in seconds (0: no cap); MQTT 5 clients asking for more get
 *                          Server Keep Alive
 * @param maxConnections    concurrent connections accepted (0: no limit)
 * @param topicAliasMaximum highest Topic Alias a client may use towards the server (MQTT 5; 0 disables them)
 * @param maxSessionExpiry  longest Session Expiry Interval granted, in seconds (also for MQTT 3.1.1 persistent
 *                          sessions)
 * @param connectRate       new connections per second admitted from one remote IP address, over all listeners
 *                          (0: no limit); see {@link ConnectRateLimiter}
 * @param connectBurst      connections one address may open at once before {@code connectRate} paces it
 * @param limits            the resource bounds against abusive clients
 */
public record BrokerConfig(int maxPacketSize, int maxClientIdLength, boolean allowAnonymous,
                           int maxInflight, int ioThreads, int maxQueued, int maxTopicLength, int maxTopicLevels,
                           int maxKeepAlive, int maxConnections, int topicAliasMaximum, long maxSessionExpiry,
                           int connectRate, int connectBurst, BrokerLimits limits) {

    /** Default of {@link #connectRate()}: a device reconnecting in a loop, not a user, reaches it. */
    public static final int DEFAULT_CONNECT_RATE = 50;
    /** Default of {@link #connectBurst()}: room for a NAT gateway's clients reconnecting after an outage. */
    public static final int DEFAULT_CONNECT_BURST = 200;

    public BrokerConfig {
        requireRange("maxPacketSize", maxPacketSize, 64, 268_435_455);
        requireRange("maxClientIdLength", maxClientIdLength, 23, 65535);
        requireRange("maxInflight", maxInflight, 1, 65535);
        requireRange("ioThreads", ioThreads, 0, 1024);
        requireRange("maxQueued", maxQueued, 0, 10_000_000);
        requireRange("maxTopicLength", maxTopicLength, 1, 65535);
        requireRange("maxTopicLevels", maxTopicLevels, 1, 65535);
        requireRange("maxKeepAlive", maxKeepAlive, 0, 65535);
        requireRange("maxConnections", maxConnections, 0, Integer.MAX_VALUE);
        requireRange("topicAliasMaximum", topicAliasMaximum, 0, 65535);
        if (maxSessionExpiry < 0 || maxSessionExpiry > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("maxSessionExpiry must be between 0 and 4294967295: " + maxSessionExpiry);
        }
        requireRange("connectRate", connectRate, 0, 1_000_000);
        requireRange("connectBurst", connectBurst, 1, 1_000_000);
        java.util.Objects.requireNonNull(limits, "limits");
    }

    /** The settings with the default {@link BrokerLimits#forTests() limits} (no reserved namespace). */
    public BrokerConfig(int maxPacketSize, int maxClientIdLength, boolean allowAnonymous,
                        int maxInflight, int ioThreads, int maxQueued, int maxTopicLength, int maxTopicLevels,
                        int maxKeepAlive, int maxConnections, int topicAliasMaximum, long maxSessionExpiry,
                        int connectRate, int connectBurst) {
        this(maxPacketSize, maxClientIdLength, allowAnonymous, maxInflight, ioThreads, maxQueued, maxTopicLength,
                maxTopicLevels, maxKeepAlive, maxConnections, topicAliasMaximum, maxSessionExpiry, connectRate,
                connectBurst, BrokerLimits.forTests());
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
        }
    }

    /**
     * Defaults for tests: anonymous access, small limits where tests need them, and no connection rate limit (tests
     * open many connections from one address).
     */
    public static BrokerConfig forTests() {
        return new BrokerConfig(256 * 1024, 128, true, 64, 1, 1000, 4096, 128, 0, 0, 16,
                0xFFFF_FFFFL, 0, DEFAULT_CONNECT_BURST);
    }

    /** A copy with another connection rate limit. */
    public BrokerConfig withConnectRate(int rate, int burst) {
        return new BrokerConfig(maxPacketSize, maxClientIdLength, allowAnonymous, maxInflight, ioThreads, maxQueued,
                maxTopicLength, maxTopicLevels, maxKeepAlive, maxConnections, topicAliasMaximum, maxSessionExpiry,
                rate, burst, limits);
    }

    /** A copy with other resource bounds. */
    public BrokerConfig withLimits(BrokerLimits newLimits) {
        return new BrokerConfig(maxPacketSize, maxClientIdLength, allowAnonymous, maxInflight, ioThreads, maxQueued,
                maxTopicLength, maxTopicLevels, maxKeepAlive, maxConnections, topicAliasMaximum, maxSessionExpiry,
                connectRate, connectBurst, newLimits);
    }

    /** A copy with another keep-alive cap and connection limit. */
    public BrokerConfig withConnectionBounds(int newMaxKeepAlive, int newMaxConnections) {
        return new BrokerConfig(maxPacketSize, maxClientIdLength, allowAnonymous, maxInflight, ioThreads, maxQueued,
                maxTopicLength, maxTopicLevels, newMaxKeepAlive, newMaxConnections, topicAliasMaximum,
                maxSessionExpiry, connectRate, connectBurst, limits);
    }
}
