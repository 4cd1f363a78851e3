package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.report.JsonLine;

import java.util.ArrayList;
import java.util.List;

/** The 1:1 chat shape: P sender/receiver pairs, each sender to its own receiver's topic. */
final class PairsScenario {

    static final ScenarioSpec SPEC = new ScenarioSpec("pairs",
            "1:1 chat shape: P senders each publish to their own receiver's topic",
            """
            P pairs: sender i publishes to <prefix>/pair/i, which receiver i subscribes to. Publishing runs
            flat out (--rate 0; QoS 1 bounded by --inflight) or at a fixed total rate spread over the senders,
            for --duration seconds after --warmup. Reports delivered messages/s, loss (of the messages published
            inside the measurement, per pair), duplicates, out-of-order arrivals and end-to-end latency.""",
            options(), PairsScenario::create);

    private PairsScenario() {
    }

    private static List<OptionSpec> options() {
        List<OptionSpec> options = new ArrayList<>(BrokerTarget.OPTIONS);
        options.add(OptionSpec.value("pairs", "P", "100", "sender/receiver pairs"));
        options.addAll(FlowOptions.OPTIONS);
        return List.copyOf(options);
    }

    private static Scenario create(Options options) throws UsageException {
        BrokerTarget target = BrokerTarget.from(options);
        int pairs = options.integer("pairs", 1, 10_000);
        String runId = RunId.next();
        return new FlowScenario("pairs", target, FlowOptions.settings(options),
                new PairsTopology(FlowOptions.topicPrefix(options, runId), pairs), runId,
                new JsonLine().put("pairs", pairs), pairs + " pairs");
    }
}
