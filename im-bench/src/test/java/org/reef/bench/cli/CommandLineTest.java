package org.reef.bench.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {

    private static final Map<String, List<OptionSpec>> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("pairs", List.of(
                OptionSpec.value("port", "PORT", "1883", "port"),
                OptionSpec.value("rate", "MSG/S", "0", "rate"),
                OptionSpec.value("warmup", "SECONDS", "2", "warm-up"),
                OptionSpec.value("mqtt", "VERSION", "3.1.1", "version"),
                OptionSpec.value("username", "NAME", null, "user"),
                OptionSpec.flag("allow-remote", "remote")));
        SCENARIOS.put("offline", List.of(OptionSpec.value("messages", "N", "10000", "messages")));
    }

    private static Invocation parse(String... args) throws UsageException {
        return CommandLine.parse(args, SCENARIOS);
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> {
            Invocation invocation = parse(args);
            Options options = invocation.options();
            options.integer("port", 1, 65_535);
            options.decimal("rate", 0, 1_000_000);
            options.seconds("warmup", 0, 3_600);
            options.choice("mqtt", List.of("3.1.1", "5"));
        }).getMessage();
    }

    @Test
    void noArgumentsOrHelpAskForTheOverview() throws UsageException {
        assertTrue(parse().help());
        assertNull(parse("--help").scenario());
        assertTrue(parse("-h").help());
    }

    @Test
    void helpAfterAScenarioAsksForItsOptions() throws UsageException {
        Invocation invocation = parse("pairs", "--rate", "5", "--help");
        assertTrue(invocation.help());
        assertEquals("pairs", invocation.scenario());
    }

    @Test
    void valuesDefaultsAndFlags() throws UsageException {
        Options options = parse("pairs", "--rate", "2500.5", "--port=18830", "--allow-remote").options();
        assertEquals(2_500.5, options.decimal("rate", 0, 1e6));
        assertEquals(18_830, options.integer("port", 1, 65_535));
        assertEquals(Duration.ofSeconds(2), options.seconds("warmup", 0, 10));
        assertTrue(options.flag("allow-remote"));
        assertNull(options.text("username"));
        assertFalse(options.isGiven("warmup"));
    }

    @Test
    void fractionalSecondsBecomeExactDurations() throws UsageException {
        assertEquals(Duration.ofMillis(1_500), parse("pairs", "--warmup", "1.5").options().seconds("warmup", 0, 10));
    }

    @Test
    void anUnknownScenarioListsTheKnownOnes() {
        assertEquals("unknown scenario 'pair'; choose one of pairs, offline", error("pair"));
    }

    @Test
    void anOptionOfAnotherScenarioIsRefused() {
        assertEquals("option --messages is not known to scenario pairs (see pairs --help)",
                error("pairs", "--messages", "5"));
    }

    @Test
    void aMissingValueIsNamed() {
        assertEquals("option --rate needs a value (MSG/S)", error("pairs", "--rate"));
        assertEquals("option --rate needs a value (MSG/S)", error("pairs", "--rate", "--port", "1"));
    }

    @Test
    void anOptionTwiceIsRefused() {
        assertEquals("option --port is given twice", error("pairs", "--port", "1", "--port=2"));
    }

    @Test
    void aFlagTakesNoValue() {
        assertEquals("option --allow-remote is a flag and takes no value", error("pairs", "--allow-remote=yes"));
    }

    @Test
    void aStrayWordIsRefused() {
        assertEquals("unexpected argument '100': options look like --name value", error("pairs", "--port", "1",
                "100"));
        assertEquals("unexpected argument '-p': options look like --name value", error("pairs", "-p", "1"));
    }

    @Test
    void badNumbersNameTheOptionTheBoundsAndTheValue() {
        assertEquals("--port must be a whole number from 1 to 65535, not 'http'", error("pairs", "--port", "http"));
        assertEquals("--port must be a whole number from 1 to 65535, not '70000'", error("pairs", "--port",
                "70000"));
        assertEquals("--port must be a whole number from 1 to 65535, not '1.5'", error("pairs", "--port", "1.5"));
        assertEquals("--rate must be a number from 0 to 1000000, not '-1'", error("pairs", "--rate", "-1"));
        assertEquals("--rate must be a number from 0 to 1000000, not 'NaN'", error("pairs", "--rate", "NaN"));
        assertEquals("--warmup must be a number from 0 to 3600, not 'soon'", error("pairs", "--warmup", "soon"));
    }

    @Test
    void aChoiceListsTheAllowedWords() {
        assertEquals("--mqtt must be one of 3.1.1, 5, not '3'", error("pairs", "--mqtt", "3"));
    }

    @Test
    void aRequiredValueWithoutDefaultIsNamed() throws UsageException {
        Options options = parse("pairs").options();
        UsageException missing = assertThrows(UsageException.class, () -> options.integer("username", 0, 1));
        assertEquals("--username is required", missing.getMessage());
    }
}
