package org.reef.mqtt.broker;

import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import java.util.List;

/**
 * The broker's resource bounds against one abusive client (security review F3, F4, F6, F8, F12), validated once:
 * how long a connection may take to CONNECT, how many connections an address may hold, and how much state
 * (retained messages, subscriptions, persistent sessions, queued bytes, topic aliases, container calls) a user or a
 * connection may make the server keep. Every bound has a finite default; the resource adapter sets them from its
 * config-properties.
 *
 * @param connectTimeoutSeconds      a connection that has not been answered CONNACK this long after it was accepted
 *                                   is closed; covers the TLS and WebSocket handshakes
 * @param maxConnectionsPerAddress   concurrent connections from one remote IP address, counted from accept (0: no
 *                                   limit)
 * @param maxRetained                retained messages kept over all topics
 * @param maxRetainedBytes           payload and topic bytes of all retained messages
 * @param maxRetainedPerUser         retained messages one user (or all anonymous clients together) may have set
 * @param maxSubscriptionsPerSession subscriptions one session may hold
 * @param maxFiltersPerSubscribe     topic filters one SUBSCRIBE packet may carry
 * @param maxSessionsPerUser         persistent sessions (client ids) one user may hold at once
 * @param maxQueuedBytes             payload and topic bytes queued for one session
 * @param maxQueuedBytesTotal        payload and topic bytes queued over all sessions
 * @param maxOutboundTopicAliases    Topic Aliases the server uses towards one MQTT 5 client, whatever larger Topic
 *                                   Alias Maximum the client offers
 * @param maxPendingContainerCalls   subscription checks of one connection waiting for the container at once
 * @param persistentAnonymousSessions whether a client without credentials may keep a session beyond its connection
 *                                   (security review F8; off by default: anonymous sessions end with the connection)
 * @param reservedTopics             topic filters of namespaces nobody may publish, retain, will or subscribe into
 *                                   until an inflow endpoint and a connection listener covering them are active
 */
public record BrokerLimits(int connectTimeoutSeconds, int maxConnectionsPerAddress, int maxRetained,
                           long maxRetainedBytes, int maxRetainedPerUser, int maxSubscriptionsPerSession,
                           int maxFiltersPerSubscribe, int maxSessionsPerUser, long maxQueuedBytes,
                           long maxQueuedBytesTotal, int maxOutboundTopicAliases, int maxPendingContainerCalls,
                           boolean persistentAnonymousSessions, List<String> reservedTopics) {

    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1000;
    public static final int DEFAULT_MAX_RETAINED = 100_000;
    public static final long DEFAULT_MAX_RETAINED_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_RETAINED_PER_USER = 1000;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_SESSION = 1000;
    public static final int DEFAULT_MAX_FILTERS_PER_SUBSCRIBE = 100;
    public static final int DEFAULT_MAX_SESSIONS_PER_USER = 100;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_QUEUED_BYTES_TOTAL = 256L * 1024 * 1024;
    public static final int DEFAULT_MAX_OUTBOUND_TOPIC_ALIASES = 64;
    public static final int DEFAULT_MAX_PENDING_CONTAINER_CALLS = 8;
    public static final String DEFAULT_RESERVED_TOPICS = "im/#";

    public BrokerLimits {
        requireRange("connectTimeout", connectTimeoutSeconds, 1, 3600);
        requireRange("maxConnectionsPerAddress", maxConnectionsPerAddress, 0, Integer.MAX_VALUE);
        requireRange("maxRetained", maxRetained, 0, Integer.MAX_VALUE);
        requireRange("maxRetainedBytes", maxRetainedBytes, 0, Long.MAX_VALUE);
        requireRange("maxRetainedPerUser", maxRetainedPerUser, 0, Integer.MAX_VALUE);
        requireRange("maxSubscriptionsPerSession", maxSubscriptionsPerSession, 1, Integer.MAX_VALUE);
        requireRange("maxFiltersPerSubscribe", maxFiltersPerSubscribe, 1, 65535);
        requireRange("maxSessionsPerUser", maxSessionsPerUser, 1, Integer.MAX_VALUE);
        requireRange("maxQueuedBytes", maxQueuedBytes, 1024, Long.MAX_VALUE);
        requireRange("maxQueuedBytesTotal", maxQueuedBytesTotal, 1024, Long.MAX_VALUE);
        requireRange("maxOutboundTopicAliases", maxOutboundTopicAliases, 0, 65535);
        requireRange("maxPendingContainerCalls", maxPendingContainerCalls, 1, 65535);
        reservedTopics = List.copyOf(reservedTopics);
        for (String filter : reservedTopics) {
            try {
                Topics.validateTopicFilter(filter, 0, 0);
            } catch (TopicException e) {
                throw new IllegalArgumentException("reservedTopics: invalid filter '" + filter + "': "
                        + e.getMessage(), e);
            }
            if (Topics.isShared(filter)) {
                throw new IllegalArgumentException("reservedTopics: a shared filter is no namespace: " + filter);
            }
        }
    }

    /** The production defaults (see the README's configuration table). */
    public static BrokerLimits defaults() {
        return builder().build();
    }

    /**
     * The defaults without reserved namespaces and with persistent anonymous sessions: unit tests use {@code im/}
     * topics without IM endpoints, and persistent sessions without credentials.
     */
    public static BrokerLimits forTests() {
        return builder().reservedTopics(List.of()).persistentAnonymousSessions(true).build();
    }

    /**
     * Parses a comma-separated list of topic filters, e.g. {@code im/#,admin/#}; blanks around commas are ignored
     * and an empty text means none.
     */
    public static List<String> parseFilters(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from the defaults, for the adapter and for tests. */
    public Builder toBuilder() {
        return new Builder().connectTimeoutSeconds(connectTimeoutSeconds)
                .maxConnectionsPerAddress(maxConnectionsPerAddress).maxRetained(maxRetained)
                .maxRetainedBytes(maxRetainedBytes).maxRetainedPerUser(maxRetainedPerUser)
                .maxSubscriptionsPerSession(maxSubscriptionsPerSession).maxFiltersPerSubscribe(maxFiltersPerSubscribe)
                .maxSessionsPerUser(maxSessionsPerUser).maxQueuedBytes(maxQueuedBytes)
                .maxQueuedBytesTotal(maxQueuedBytesTotal).maxOutboundTopicAliases(maxOutboundTopicAliases)
                .maxPendingContainerCalls(maxPendingContainerCalls)
                .persistentAnonymousSessions(persistentAnonymousSessions).reservedTopics(reservedTopics);
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
        }
    }

    /** Mutable companion of {@link BrokerLimits}, starting from the defaults. */
    public static final class Builder {
        private int connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private int maxRetained = DEFAULT_MAX_RETAINED;
        private long maxRetainedBytes = DEFAULT_MAX_RETAINED_BYTES;
        private int maxRetainedPerUser = DEFAULT_MAX_RETAINED_PER_USER;
        private int maxSubscriptionsPerSession = DEFAULT_MAX_SUBSCRIPTIONS_PER_SESSION;
        private int maxFiltersPerSubscribe = DEFAULT_MAX_FILTERS_PER_SUBSCRIBE;
        private int maxSessionsPerUser = DEFAULT_MAX_SESSIONS_PER_USER;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private long maxQueuedBytesTotal = DEFAULT_MAX_QUEUED_BYTES_TOTAL;
        private int maxOutboundTopicAliases = DEFAULT_MAX_OUTBOUND_TOPIC_ALIASES;
        private int maxPendingContainerCalls = DEFAULT_MAX_PENDING_CONTAINER_CALLS;
        private boolean persistentAnonymousSessions;
        private List<String> reservedTopics = parseFilters(DEFAULT_RESERVED_TOPICS);

        private Builder() {
        }

        public Builder connectTimeoutSeconds(int value) {
            connectTimeoutSeconds = value;
            return this;
        }

        public Builder maxConnectionsPerAddress(int value) {
            maxConnectionsPerAddress = value;
            return this;
        }

        public Builder maxRetained(int value) {
            maxRetained = value;
            return this;
        }

        public Builder maxRetainedBytes(long value) {
            maxRetainedBytes = value;
            return this;
        }

        public Builder maxRetainedPerUser(int value) {
            maxRetainedPerUser = value;
            return this;
        }

        public Builder maxSubscriptionsPerSession(int value) {
            maxSubscriptionsPerSession = value;
            return this;
        }

        public Builder maxFiltersPerSubscribe(int value) {
            maxFiltersPerSubscribe = value;
            return this;
        }

        public Builder maxSessionsPerUser(int value) {
            maxSessionsPerUser = value;
            return this;
        }

        public Builder maxQueuedBytes(long value) {
            maxQueuedBytes = value;
            return this;
        }

        public Builder maxQueuedBytesTotal(long value) {
            maxQueuedBytesTotal = value;
            return this;
        }

        public Builder maxOutboundTopicAliases(int value) {
            maxOutboundTopicAliases = value;
            return this;
        }

        public Builder maxPendingContainerCalls(int value) {
            maxPendingContainerCalls = value;
            return this;
        }

        public Builder persistentAnonymousSessions(boolean value) {
            persistentAnonymousSessions = value;
            return this;
        }

        public Builder reservedTopics(List<String> value) {
            reservedTopics = value;
            return this;
        }

        public BrokerLimits build() {
            return new BrokerLimits(connectTimeoutSeconds, maxConnectionsPerAddress, maxRetained, maxRetainedBytes,
                    maxRetainedPerUser, maxSubscriptionsPerSession, maxFiltersPerSubscribe, maxSessionsPerUser,
                    maxQueuedBytes, maxQueuedBytesTotal, maxOutboundTopicAliases, maxPendingContainerCalls,
                    persistentAnonymousSessions, reservedTopics);
        }
    }
}
