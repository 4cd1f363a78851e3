package org.reef.bench.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code SCENARIO [--option value | --option=value | --flag]...}. Syntax only: every option must belong to
 * the scenario, appear once and have its value; whether the value makes sense is for {@link Options} to say when
 * the scenario reads it. Errors name the offending argument.
 */
public final class CommandLine {

    private static final String HELP = "help";

    private CommandLine() {
    }

    /**
     * @param scenarios the options of each scenario, by scenario name, in the order the help lists them
     */
    public static Invocation parse(String[] args, Map<String, List<OptionSpec>> scenarios) throws UsageException {
        if (args.length == 0 || isHelp(args[0])) {
            return new Invocation(null, null, true);
        }
        String scenario = args[0];
        List<OptionSpec> specs = scenarios.get(scenario);
        if (specs == null) {
            throw new UsageException("unknown scenario '" + scenario + "'; choose one of "
                    + String.join(", ", scenarios.keySet()));
        }
        Map<String, String> given = new HashMap<>();
        boolean help = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "': options look like --name value");
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (name.equals(HELP)) {
                help = true;
                continue;
            }
            OptionSpec spec = find(specs, name);
            if (spec == null) {
                throw new UsageException("option --" + name + " is not known to scenario " + scenario
                        + " (see " + scenario + " --help)");
            }
            if (given.containsKey(name)) {
                throw new UsageException("option --" + name + " is given twice");
            }
            if (spec.isFlag()) {
                if (value != null) {
                    throw new UsageException("option --" + name + " is a flag and takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option --" + name + " needs a value (" + spec.valueName() + ")");
                }
                value = args[++i];
            }
            given.put(name, value);
        }
        return new Invocation(scenario, new Options(specs, given), help);
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals(HELP);
    }

    private static OptionSpec find(List<OptionSpec> specs, String name) {
        for (OptionSpec spec : specs) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        return null;
    }
}
