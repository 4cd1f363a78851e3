package org.reef.bench.connect;

import org.reef.bench.client.MqttClient;
import org.reef.bench.measure.LatencySummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How opening a batch of connections went.
 *
 * @param clients       by index; null where that client failed or was never attempted
 * @param attempted     connections started before the deadline
 * @param failures      failed connections by reason
 * @param latency       time from starting a connection to its CONNACK
 * @param elapsedNanos  from the first attempt to the last successful CONNACK
 */
public record ConnectOutcome(List<MqttClient> clients, int attempted, FailureTally failures, LatencySummary latency,
                             long elapsedNanos) {

    public long connected() {
        return clients.stream().filter(Objects::nonNull).count();
    }

    /** Connections accepted per second, over the time it took to open them. */
    public double perSecond() {
        return elapsedNanos <= 0 ? 0 : connected() * 1e9 / elapsedNanos;
    }

    public List<MqttClient> connectedClients() {
        List<MqttClient> connected = new ArrayList<>();
        clients.forEach(client -> {
            if (client != null) {
                connected.add(client);
            }
        });
        return connected;
    }
}
