package org.reef.mqtt.testing;

import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.transport.Listener;
import org.reef.mqtt.transport.ListenerConfig;
import org.reef.mqtt.transport.MqttServer;

/** A real broker with its TCP listener on a free loopback port, for tests with real MQTT clients. */
public final class RunningBroker implements AutoCloseable {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final MqttBroker broker;
    private final MqttServer server;

    private RunningBroker(BrokerConfig config) throws InterruptedException {
        broker = new MqttBroker(config, workManager);
        server = new MqttServer(broker, ListenerConfig.forTests());
        server.start();
    }

    public static RunningBroker start() throws InterruptedException {
        return start(BrokerConfig.forTests());
    }

    public static RunningBroker start(BrokerConfig config) throws InterruptedException {
        return new RunningBroker(config);
    }

    public MqttBroker broker() {
        return broker;
    }

    public int port() {
        return server.port(Listener.TCP);
    }

    /** tcp://127.0.0.1:port, the form Paho takes. */
    public String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop();
        workManager.close();
    }
}
