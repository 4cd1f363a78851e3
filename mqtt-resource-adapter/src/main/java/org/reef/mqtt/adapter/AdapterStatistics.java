package org.reef.mqtt.adapter;

import org.reef.mqtt.api.MqttStatistics;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.session.DeliveryCounters;
import org.reef.mqtt.transport.Listener;
import org.reef.mqtt.transport.MqttServer;

import java.util.Locale;

/**
 * {@link MqttStatistics} over the adapter's running broker and listeners, looked up on every call so that a view
 * taken once stays right across a stop and start of the adapter (0 and false while it is stopped). Reads only: the
 * counters are the broker's own {@link java.util.concurrent.atomic.LongAdder}s.
 */
final class AdapterStatistics implements MqttStatistics {

    private final MqttResourceAdapter adapter;

    AdapterStatistics(MqttResourceAdapter adapter) {
        this.adapter = adapter;
    }

    @Override
    public long openConnections(String listener) {
        MqttServer server = adapter.currentServer();
        if (server == null || !LISTENERS.contains(listener)) {
            return 0;
        }
        return server.openConnections(Listener.valueOf(listener.toUpperCase(Locale.ROOT)));
    }

    @Override
    public long connects() {
        MqttBroker broker = adapter.currentBroker();
        return broker == null ? 0 : broker.metrics().connections();
    }

    @Override
    public long connectRefusals(String reason) {
        MqttBroker broker = adapter.currentBroker();
        if (broker == null) {
            return 0;
        }
        return switch (reason) {
            case "accept_limit" -> broker.metrics().refusedAtAcceptCount();
            case "connect_timeout" -> broker.metrics().connectTimeoutCount();
            default -> reason.startsWith("0x") && reason.length() == 4
                    ? broker.metrics().connectRefusedCount(Integer.parseInt(reason.substring(2), 16)) : 0;
        };
    }

    @Override
    public long messagesReceived(int qos) {
        MqttBroker broker = adapter.currentBroker();
        return broker == null || qos < 0 || qos > 2 ? 0 : broker.metrics().receivedCount(qos);
    }

    @Override
    public long messagesSent(int qos) {
        MqttBroker broker = adapter.currentBroker();
        return broker == null || qos < 0 || qos > 2 ? 0 : broker.queueLimits().counters().sentCount(qos);
    }

    @Override
    public long messagesDropped(String cause) {
        MqttBroker broker = adapter.currentBroker();
        if (broker == null) {
            return 0;
        }
        for (DeliveryCounters.DropCause known : DeliveryCounters.DropCause.values()) {
            if (known.label().equals(cause)) {
                return broker.queueLimits().counters().droppedCount(known);
            }
        }
        return 0;
    }

    @Override
    public long queuedMessages() {
        MqttBroker broker = adapter.currentBroker();
        return broker == null ? 0 : broker.queueLimits().counters().queuedCount();
    }

    @Override
    public boolean listenersBound() {
        MqttServer server = adapter.currentServer();
        return server != null && server.allBound();
    }

    @Override
    public boolean reservedTopicsOpen() {
        MqttBroker broker = adapter.currentBroker();
        return broker != null && broker.reserved().allOpen();
    }

    @Override
    public int activeEndpoints() {
        MqttBroker broker = adapter.currentBroker();
        return broker == null ? 0 : broker.inflow().size() + broker.connectionEvents().size();
    }
}
