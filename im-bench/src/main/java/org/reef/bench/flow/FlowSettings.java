package org.reef.bench.flow;

import io.netty.handler.codec.mqtt.MqttQoS;

import java.time.Duration;
import java.util.Locale;

/**
 * How a messaging scenario runs.
 *
 * @param qos            0 or 1, for publications and subscriptions alike
 * @param size           payload bytes (an application protocol's format may apply it to the message body it wraps)
 * @param ratePerSecond  total publications per second over all publishers; 0 for flat out
 * @param warmup         publishing before the measurement starts (connections warm, JIT compiled)
 * @param duration       the measurement
 * @param drain          how long to wait after the end for messages still on their way
 * @param inflight       QoS 1 publications awaiting PUBACK per publisher
 * @param maxPendingConnects handshakes in progress at once while the clients connect
 * @param connectRate    new connections per second while the clients connect; 0 for as fast as
 *                       {@code maxPendingConnects} allows (a server that limits connections per address needs less)
 */
public record FlowSettings(MqttQoS qos, int size, double ratePerSecond, Duration warmup, Duration duration,
                           Duration drain, int inflight, int maxPendingConnects, double connectRate) {

    public FlowSettings {
        if (qos != MqttQoS.AT_MOST_ONCE && qos != MqttQoS.AT_LEAST_ONCE) {
            throw new IllegalArgumentException("QoS must be 0 or 1");
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("rate must not be negative");
        }
        if (connectRate < 0) {
            throw new IllegalArgumentException("connect rate must not be negative");
        }
    }

    public boolean flatOut() {
        return ratePerSecond == 0;
    }

    /** {@code flat out} or {@code 1000 msg/s}. */
    public String describeRate() {
        return flatOut() ? "flat out" : String.format(Locale.ROOT, "%.0f msg/s", ratePerSecond);
    }
}
