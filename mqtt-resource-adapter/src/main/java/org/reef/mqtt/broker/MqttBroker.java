package org.reef.mqtt.broker;

import jakarta.resource.spi.work.WorkManager;
import org.reef.mqtt.inflow.InflowRegistry;
import org.reef.mqtt.session.MessageRouter;
import org.reef.mqtt.session.SessionRegistry;

import java.util.Objects;

/**
 * The broker's shared state, one per resource adapter instance: configuration, connected sessions, subscriptions
 * and the activated endpoints, plus the WorkManager that runs container deliveries. Connections reach everything
 * through it; it owns no threads.
 */
public final class MqttBroker {

    private final BrokerConfig config;
    private final WorkManager workManager;
    private final SessionRegistry sessions = new SessionRegistry();
    private final MessageRouter router = new MessageRouter(sessions);
    private final InflowRegistry inflow = new InflowRegistry();
    private final BrokerMetrics metrics = new BrokerMetrics();

    public MqttBroker(BrokerConfig config, WorkManager workManager) {
        this.config = Objects.requireNonNull(config, "config");
        this.workManager = Objects.requireNonNull(workManager, "workManager");
    }

    public BrokerConfig config() {
        return config;
    }

    public WorkManager workManager() {
        return workManager;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public MessageRouter router() {
        return router;
    }

    public InflowRegistry inflow() {
        return inflow;
    }

    public BrokerMetrics metrics() {
        return metrics;
    }
}
