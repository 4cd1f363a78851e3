package org.reef.mqtt.broker;

/** {@link BrokerConfig#forTests()} with some limits changed, for limit tests. */
final class TestConfig {

    private final BrokerConfig d = BrokerConfig.forTests();
    private int maxPacketSize = d.maxPacketSize();
    private int maxInflight = d.maxInflight();
    private int maxQueued = d.maxQueued();
    private int maxKeepAlive = d.maxKeepAlive();
    private int topicAliasMaximum = d.topicAliasMaximum();
    private long maxSessionExpiry = d.maxSessionExpiry();
    private int ioThreads = d.ioThreads();
    private int connectRate = d.connectRate();
    private int connectBurst = d.connectBurst();
    private BrokerLimits limits = d.limits();

    static TestConfig defaults() {
        return new TestConfig();
    }

    TestConfig maxPacketSize(int value) {
        maxPacketSize = value;
        return this;
    }

    TestConfig maxInflight(int value) {
        maxInflight = value;
        return this;
    }

    TestConfig maxQueued(int value) {
        maxQueued = value;
        return this;
    }

    TestConfig maxKeepAlive(int value) {
        maxKeepAlive = value;
        return this;
    }

    TestConfig topicAliasMaximum(int value) {
        topicAliasMaximum = value;
        return this;
    }

    TestConfig maxSessionExpiry(long value) {
        maxSessionExpiry = value;
        return this;
    }

    TestConfig ioThreads(int value) {
        ioThreads = value;
        return this;
    }

    TestConfig connectRate(int rate, int burst) {
        connectRate = rate;
        connectBurst = burst;
        return this;
    }

    TestConfig limits(BrokerLimits value) {
        limits = value;
        return this;
    }

    BrokerConfig build() {
        return new BrokerConfig(maxPacketSize, d.maxClientIdLength(), d.allowAnonymous(),
                maxInflight, ioThreads, maxQueued, d.maxTopicLength(), d.maxTopicLevels(), maxKeepAlive,
                d.maxConnections(), topicAliasMaximum, maxSessionExpiry, connectRate, connectBurst, limits);
    }
}
