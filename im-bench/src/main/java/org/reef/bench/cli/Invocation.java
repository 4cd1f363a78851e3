package org.reef.bench.cli;

/**
 * What the command line asked for.
 *
 * @param scenario null when no scenario was named (then {@code help} is true)
 * @param help     {@code --help}: print usage instead of running
 */
public record Invocation(String scenario, Options options, boolean help) {
}
