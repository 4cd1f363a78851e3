package org.reef.mqtt.broker;

/**
 * Validated settings of the embedded broker, built by the resource adapter from its config-properties.
 *
 * @param host             address the TCP listener binds to
 * @param port             TCP port of the plain MQTT listener; 0 picks a free port (tests)
 * @param maxPacketSize    largest packet accepted, in bytes (MQTT 5 Maximum Packet Size sent in CONNACK)
 * @param maxClientIdLength longest client identifier accepted, in characters
 * @param allowAnonymous   whether a CONNECT without a user name is accepted
 * @param maxInflight      outbound QoS 1/2 messages awaiting acknowledgement per client, and inbound deliveries
 *                         queued for the container per connection before the adapter stops reading from it
 * @param ioThreads        Netty event loop threads; 0 means Netty's default (2 x cores)
 */
public record BrokerConfig(String host, int port, int maxPacketSize, int maxClientIdLength, boolean allowAnonymous,
                           int maxInflight, int ioThreads) {

    public BrokerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxPacketSize < 64 || maxPacketSize > 268_435_455) {
            throw new IllegalArgumentException("maxPacketSize must be between 64 and 268435455: " + maxPacketSize);
        }
        if (maxClientIdLength < 23 || maxClientIdLength > 65535) {
            throw new IllegalArgumentException("maxClientIdLength must be between 23 and 65535: " + maxClientIdLength);
        }
        if (maxInflight < 1 || maxInflight > 65535) {
            throw new IllegalArgumentException("maxInflight must be between 1 and 65535: " + maxInflight);
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must not be negative: " + ioThreads);
        }
    }

    /** Defaults for tests: loopback, a free port, anonymous access. */
    public static BrokerConfig forTests() {
        return new BrokerConfig("127.0.0.1", 0, 256 * 1024, 128, true, 64, 1);
    }
}
