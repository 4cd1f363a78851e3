package org.reef.bench.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of one invocation, read with their types and bounds. A value that does not parse or lies out of
 * bounds is a {@link UsageException} naming the option, the bounds and what was given.
 */
public final class Options {

    private final Map<String, OptionSpec> specs = new HashMap<>();
    private final Map<String, String> given;

    public Options(List<OptionSpec> specs, Map<String, String> given) {
        specs.forEach(spec -> this.specs.put(spec.name(), spec));
        this.given = Map.copyOf(given);
    }

    /** The value given, else the default; null when neither exists. */
    public String text(String name) {
        OptionSpec spec = spec(name);
        String value = given.get(name);
        return value != null ? value : spec.defaultValue();
    }

    /** Whether the scenario has this option at all, for code that several scenarios with different options share. */
    public boolean knows(String name) {
        return specs.containsKey(name);
    }

    public boolean isGiven(String name) {
        spec(name);
        return given.containsKey(name);
    }

    public boolean flag(String name) {
        return spec(name).isFlag() && given.containsKey(name);
    }

    public int integer(String name, int min, int max) throws UsageException {
        return (int) whole(name, min, max);
    }

    public long whole(String name, long min, long max) throws UsageException {
        String value = required(name);
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the bounds
        }
        throw new UsageException(String.format(Locale.ROOT, "--%s must be a whole number from %d to %d, not '%s'",
                name, min, max, value));
    }

    public double decimal(String name, double min, double max) throws UsageException {
        String value = required(name);
        try {
            double parsed = Double.parseDouble(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the bounds
        }
        throw new UsageException(String.format(Locale.ROOT, "--%s must be a number from %s to %s, not '%s'",
                name, plain(min), plain(max), value));
    }

    /** A duration given in (possibly fractional) seconds. */
    public Duration seconds(String name, double min, double max) throws UsageException {
        return Duration.ofNanos(Math.round(decimal(name, min, max) * 1e9));
    }

    /** One of a fixed set of words. */
    public String choice(String name, List<String> allowed) throws UsageException {
        String value = required(name);
        if (!allowed.contains(value)) {
            throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", not '"
                    + value + "'");
        }
        return value;
    }

    private String required(String name) throws UsageException {
        String value = text(name);
        if (value == null) {
            throw new UsageException("--" + name + " is required");
        }
        return value;
    }

    private OptionSpec spec(String name) {
        OptionSpec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("no option --" + name + " in this scenario");
        }
        return spec;
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
