package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every scenario of the tool, in the order the help lists them. New scenarios register here. */
public final class ScenarioCatalog {

    private static final List<ScenarioSpec> ALL = List.of(
            ConnectionsScenario.SPEC,
            PairsScenario.SPEC,
            FanoutScenario.SPEC,
            OfflineScenario.SPEC,
            ImChatScenario.SPEC,
            ImGroupScenario.SPEC);

    private ScenarioCatalog() {
    }

    public static List<ScenarioSpec> all() {
        return ALL;
    }

    public static ScenarioSpec find(String name) {
        return ALL.stream().filter(spec -> spec.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + name));
    }

    public static Map<String, List<OptionSpec>> optionsByName() {
        Map<String, List<OptionSpec>> options = new LinkedHashMap<>();
        ALL.forEach(spec -> options.put(spec.name(), spec.options()));
        return options;
    }

    public static Map<String, String> summaries() {
        Map<String, String> summaries = new LinkedHashMap<>();
        ALL.forEach(spec -> summaries.put(spec.name(), spec.summary()));
        return summaries;
    }
}
