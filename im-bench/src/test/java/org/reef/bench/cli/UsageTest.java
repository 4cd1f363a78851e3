package org.reef.bench.cli;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class UsageTest {

    @Test
    void theOverviewListsEveryScenario() {
        Map<String, String> summaries = new LinkedHashMap<>();
        summaries.put("pairs", "1:1 chat");
        summaries.put("offline", "store and forward");
        String text = Usage.overview(summaries);
        assertTrue(text.contains("  pairs    1:1 chat\n"), text);
        assertTrue(text.contains("  offline  store and forward\n"), text);
    }

    @Test
    void scenarioHelpShowsValuesAndDefaults() {
        String text = Usage.scenario("pairs", "Pairs.", List.of(
                OptionSpec.value("rate", "MSG/S", "0", "total rate"),
                OptionSpec.value("username", "NAME", null, "user name"),
                OptionSpec.flag("allow-remote", "not only loopback")));
        // the descriptions line up two spaces after the longest option
        assertTrue(text.contains("  --rate MSG/S     total rate (default 0)\n"), text);
        assertTrue(text.contains("  --username NAME  user name\n"), text);
        assertTrue(text.contains("  --allow-remote   not only loopback\n"), text);
        assertTrue(text.contains("--help"), text);
    }
}
