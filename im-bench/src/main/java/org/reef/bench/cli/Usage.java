package org.reef.bench.cli;

import java.util.List;
import java.util.Map;

/** The help texts: an overview of the scenarios, and the options of one scenario. */
public final class Usage {

    private static final String COMMAND = "java -jar im-bench.jar";

    private Usage() {
    }

    /** @param summaries one line per scenario, by name, in the order to list them */
    public static String overview(Map<String, String> summaries) {
        StringBuilder out = new StringBuilder()
                .append("usage: ").append(COMMAND).append(" SCENARIO [options]\n")
                .append("       ").append(COMMAND).append(" SCENARIO --help\n\n")
                .append("Puts load on an MQTT server (MQTT 3.1.1 or 5) and measures it. Every run is bounded in\n")
                .append("time, prints a short summary, then exactly one JSON line (the line starting with '{').\n")
                .append("Progress goes to standard error. Exit status: 0 done, 1 run failed, 2 bad command line.\n\n")
                .append("scenarios:\n");
        int width = summaries.keySet().stream().mapToInt(String::length).max().orElse(0);
        summaries.forEach((name, summary) -> out.append("  ").append(pad(name, width)).append("  ")
                .append(summary).append('\n'));
        return out.toString();
    }

    public static String scenario(String name, String description, List<OptionSpec> specs) {
        StringBuilder out = new StringBuilder()
                .append("usage: ").append(COMMAND).append(' ').append(name).append(" [options]\n\n")
                .append(description).append("\n\noptions:\n");
        int width = specs.stream().mapToInt(spec -> left(spec).length()).max().orElse(0);
        for (OptionSpec spec : specs) {
            out.append("  ").append(pad(left(spec), width)).append("  ").append(spec.description());
            if (spec.defaultValue() != null) {
                out.append(" (default ").append(spec.defaultValue()).append(')');
            }
            out.append('\n');
        }
        return out.append("  ").append(pad("--help", width)).append("  this text\n").toString();
    }

    private static String left(OptionSpec spec) {
        return "--" + spec.name() + (spec.isFlag() ? "" : " " + spec.valueName());
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
