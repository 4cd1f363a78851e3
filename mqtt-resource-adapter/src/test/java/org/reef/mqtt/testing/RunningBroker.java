package org.reef.mqtt.testing;

import org.reef.mqtt.broker.BrokerConfig;
import io.netty.util.concurrent.DefaultEventExecutor;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.protocol.SessionRestore;
import org.reef.mqtt.session.SessionStore;
import org.reef.mqtt.transport.Listener;
import org.reef.mqtt.transport.ListenerConfig;
import org.reef.mqtt.transport.MqttServer;

/** A real broker with its TCP listener on a free loopback port, for tests with real MQTT clients. */
public final class RunningBroker implements AutoCloseable {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final MqttBroker broker;
    private final MqttServer server;
    private final DefaultEventExecutor restored = new DefaultEventExecutor();

    private RunningBroker(BrokerConfig config, SessionStore store) throws InterruptedException {
        broker = new MqttBroker(config, workManager);
        broker.sessionStore(store);
        SessionRestore.restore(broker, store.load(), restored);
        server = new MqttServer(broker, ListenerConfig.forTests());
        server.start();
    }

    public static RunningBroker start() throws InterruptedException {
        return start(BrokerConfig.forTests());
    }

    public static RunningBroker start(BrokerConfig config) throws InterruptedException {
        return new RunningBroker(config, SessionStore.NONE);
    }

    /** A broker that keeps persistent sessions in the store, restoring what it holds before listening. */
    public static RunningBroker start(SessionStore store) throws InterruptedException {
        return new RunningBroker(BrokerConfig.forTests(), store);
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
        restored.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).await(5,
                java.util.concurrent.TimeUnit.SECONDS);
        workManager.close();
    }
}
