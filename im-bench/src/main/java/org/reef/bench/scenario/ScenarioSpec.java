package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;

import java.util.List;

/**
 * A scenario as the command line knows it: its name, what it does, its options, and how to build it from them.
 *
 * @param summary     one line for the overview
 * @param description a paragraph for the scenario's own help
 */
public record ScenarioSpec(String name, String summary, String description, List<OptionSpec> options,
                           Factory factory) {

    /** Builds a scenario, validating the options as it reads them. */
    @FunctionalInterface
    public interface Factory {
        Scenario create(Options options) throws UsageException;
    }
}
