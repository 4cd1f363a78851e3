package org.reef.mqtt.broker;

import org.junit.jupiter.api.AfterEach;
import org.reef.mqtt.testing.RunningBroker;

/** A real broker per test, started with the configuration the test needs, and HiveMQ clients closed after it. */
abstract class BrokerTestBase {

    protected RunningBroker broker;
    protected Hive5 hive;

    protected void start(BrokerConfig config) throws InterruptedException {
        broker = RunningBroker.start(config);
        hive = new Hive5(broker);
    }

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (hive != null) {
            hive.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
