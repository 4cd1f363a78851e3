package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.report.JsonLine;

import java.util.ArrayList;
import java.util.List;

/** The group shape: K publishers to one topic with M subscribers. */
final class FanoutScenario {

    static final ScenarioSpec SPEC = new ScenarioSpec("fanout",
            "group shape: K publishers to one topic with M subscribers",
            """
            K publishers publish to <prefix>/group, which M subscribers subscribe to, so every message is
            delivered M times. --rate is the total publication rate (deliveries are M times that). Reports the
            same figures as pairs, counted over all deliveries: messages/s is deliveries per second.""",
            options(), FanoutScenario::create);

    private FanoutScenario() {
    }

    private static List<OptionSpec> options() {
        List<OptionSpec> options = new ArrayList<>(BrokerTarget.OPTIONS);
        options.add(OptionSpec.value("publishers", "K", "1", "publishers"));
        options.add(OptionSpec.value("subscribers", "M", "200", "subscribers"));
        options.addAll(FlowOptions.OPTIONS);
        return List.copyOf(options);
    }

    private static Scenario create(Options options) throws UsageException {
        BrokerTarget target = BrokerTarget.from(options);
        int publishers = options.integer("publishers", 1, 10_000);
        int subscribers = options.integer("subscribers", 1, 19_000);
        String runId = RunId.next();
        return new FlowScenario("fanout", target, FlowOptions.settings(options),
                new FanoutTopology(FlowOptions.topicPrefix(options, runId), publishers, subscribers), runId,
                new JsonLine().put("publishers", publishers).put("subscribers", subscribers),
                publishers + " publishers to " + subscribers + " subscribers");
    }
}
