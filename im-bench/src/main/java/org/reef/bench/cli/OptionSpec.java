package org.reef.bench.cli;

import java.util.Objects;

/**
 * One option a scenario accepts: {@code --name VALUE} (or {@code --name=VALUE}), or a flag without a value.
 *
 * @param valueName    what the help shows as the value, null for a flag
 * @param defaultValue used when the option is not given; null for none (the scenario decides)
 */
public record OptionSpec(String name, String valueName, String defaultValue, String description) {

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (name.startsWith("-")) {
            throw new IllegalArgumentException("option names are given without dashes: " + name);
        }
    }

    public static OptionSpec value(String name, String valueName, String defaultValue, String description) {
        return new OptionSpec(name, Objects.requireNonNull(valueName), defaultValue, description);
    }

    public static OptionSpec flag(String name, String description) {
        return new OptionSpec(name, null, null, description);
    }

    public boolean isFlag() {
        return valueName == null;
    }
}
