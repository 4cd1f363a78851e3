package org.reef.bench.scenario;

import io.netty.handler.codec.mqtt.MqttQoS;
import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.client.ClientSettings;
import org.reef.bench.flow.BinaryStampFormat;
import org.reef.bench.flow.FlowSettings;

import java.util.List;

/** The options of the messaging scenarios (pairs, fan-out), read into {@link FlowSettings}. */
final class FlowOptions {

    /** The largest payload the tool sends: large enough for any IM message, small enough to stay a benchmark. */
    static final int MAX_SIZE = 1 << 20;

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.value("qos", "0|1", "0", "QoS of publications and subscriptions"),
            OptionSpec.value("size", "BYTES", "64", "payload size, at least " + BinaryStampFormat.INSTANCE
                    .minimumSize() + " (stamp: marker, stream, sequence number, send time)"),
            OptionSpec.value("rate", "MSG/S", "0", "total publications per second over all publishers; 0 = flat out"),
            OptionSpec.value("warmup", "SECONDS", "2", "publishing before the measurement starts"),
            OptionSpec.value("duration", "SECONDS", "10", "length of the measurement"),
            OptionSpec.value("drain", "SECONDS", "5", "longest wait after the measurement for messages on their way"),
            OptionSpec.value("inflight", "N", "100", "QoS 1 publications awaiting PUBACK per publisher"),
            OptionSpec.value("pending", "N", "100", "connection handshakes in progress at once while connecting"),
            OptionSpec.value("topic-prefix", "PREFIX", null, "prefix of the topics (default bench/<run id>)"));

    private FlowOptions() {
    }

    static FlowSettings settings(Options options) throws UsageException {
        MqttQoS qos = MqttQoS.valueOf(options.integer("qos", 0, 1));
        int size = options.integer("size", BinaryStampFormat.INSTANCE.minimumSize(), MAX_SIZE);
        return new FlowSettings(qos, size,
                options.decimal("rate", 0, 10_000_000),
                options.seconds("warmup", 0, 3_600),
                options.seconds("duration", 0.1, 86_400),
                options.seconds("drain", 0, 600),
                options.integer("inflight", 1, ClientSettings.MAX_INFLIGHT),
                options.integer("pending", 1, 10_000));
    }

    static String topicPrefix(Options options, String runId) throws UsageException {
        String prefix = options.text("topic-prefix");
        if (prefix == null) {
            return "bench/" + runId;
        }
        if (prefix.isEmpty() || prefix.contains("+") || prefix.contains("#") || prefix.endsWith("/")) {
            throw new UsageException("--topic-prefix must be a topic name without wildcards or a trailing '/', not '"
                    + prefix + "'");
        }
        return prefix;
    }
}
