package org.reef.bench.scenario;

import io.netty.handler.codec.mqtt.MqttQoS;
import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.client.ClientSettings;
import org.reef.bench.flow.BinaryStampFormat;
import org.reef.bench.flow.FlowSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of the messaging scenarios, read into {@link FlowSettings}: pairs and fan-out over plain MQTT topics,
 * and the IM scenarios, which always use QoS 1 (the IM protocol's) and the server's own topics.
 */
final class FlowOptions {

    /** The largest payload the tool sends: large enough for any IM message, small enough to stay a benchmark. */
    static final int MAX_SIZE = 1 << 20;

    static final List<OptionSpec> OPTIONS = plain();

    private FlowOptions() {
    }

    private static List<OptionSpec> plain() {
        List<OptionSpec> options = new ArrayList<>();
        options.add(OptionSpec.value("qos", "0|1", "0", "QoS of publications and subscriptions"));
        options.add(OptionSpec.value("size", "BYTES", "64", "payload size, at least "
                + BinaryStampFormat.INSTANCE.minimumSize() + " (stamp: marker, stream, sequence number, send time)"));
        options.addAll(timing("0"));
        options.add(OptionSpec.value("topic-prefix", "PREFIX", null, "prefix of the topics (default bench/<run id>)"));
        return List.copyOf(options);
    }

    /**
     * The options of an IM scenario: no QoS (always 1) and no topics (the server's own).
     *
     * @param sizeText        what --size means there
     * @param defaultRate     the scenario's default --rate
     * @param defaultInflight the scenario's default --inflight
     */
    static List<OptionSpec> im(String sizeText, String defaultRate, String defaultInflight) {
        List<OptionSpec> options = new ArrayList<>();
        options.add(OptionSpec.value("size", "CHARS", "64", sizeText));
        options.addAll(timing(defaultRate, defaultInflight));
        return List.copyOf(options);
    }

    private static List<OptionSpec> timing(String defaultRate) {
        return timing(defaultRate, "100");
    }

    private static List<OptionSpec> timing(String defaultRate, String defaultInflight) {
        return List.of(
                OptionSpec.value("rate", "MSG/S", defaultRate,
                        "total publications per second over all publishers; 0 = flat out"),
                OptionSpec.value("warmup", "SECONDS", "2", "publishing before the measurement starts"),
                OptionSpec.value("duration", "SECONDS", "10", "length of the measurement"),
                OptionSpec.value("drain", "SECONDS", "5",
                        "longest wait after the measurement for messages on their way"),
                OptionSpec.value("inflight", "N", defaultInflight, "QoS 1 publications awaiting PUBACK per publisher"),
                OptionSpec.value("pending", "N", "100", "connection handshakes in progress at once while connecting"),
                OptionSpec.value("connect-rate", "CONN/S", "0",
                        "new connections per second while connecting; 0 = as fast as --pending allows"));
    }

    static FlowSettings settings(Options options) throws UsageException {
        MqttQoS qos = MqttQoS.valueOf(options.integer("qos", 0, 1));
        return settings(options, qos, BinaryStampFormat.INSTANCE.minimumSize());
    }

    /** The settings of an IM scenario: QoS 1, and a size of at least {@code minimumSize}. */
    static FlowSettings imSettings(Options options, int minimumSize) throws UsageException {
        return settings(options, MqttQoS.AT_LEAST_ONCE, minimumSize);
    }

    private static FlowSettings settings(Options options, MqttQoS qos, int minimumSize) throws UsageException {
        int size = options.integer("size", minimumSize, MAX_SIZE);
        return new FlowSettings(qos, size,
                options.decimal("rate", 0, 10_000_000),
                options.seconds("warmup", 0, 3_600),
                options.seconds("duration", 0.1, 86_400),
                options.seconds("drain", 0, 600),
                options.integer("inflight", 1, ClientSettings.MAX_INFLIGHT),
                options.integer("pending", 1, 10_000),
                options.decimal("connect-rate", 0, 1_000_000));
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
