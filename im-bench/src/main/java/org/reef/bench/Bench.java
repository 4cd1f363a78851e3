package org.reef.bench;

import org.reef.bench.cli.CommandLine;
import org.reef.bench.cli.Invocation;
import org.reef.bench.cli.Usage;
import org.reef.bench.cli.UsageException;
import org.reef.bench.report.Report;
import org.reef.bench.report.ReportPrinter;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;
import org.reef.bench.run.Watchdog;
import org.reef.bench.scenario.Scenario;
import org.reef.bench.scenario.ScenarioCatalog;
import org.reef.bench.scenario.ScenarioSpec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of the load tool: {@code java -jar im-bench.jar SCENARIO [options]}. Parses the command line, runs
 * the scenario under its deadline and a watchdog, and prints exactly one report whatever happens.
 *
 * <p>Exit status: 0 the run produced its figures, 1 it failed (the JSON line has an {@code error}), 2 the command
 * line was wrong, 3 the watchdog ended a run that overran its time limit.
 */
public final class Bench {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int OVERRAN = 3;

    /** How long past its own time limit a run may go before the watchdog ends the process. */
    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final Logger LOG = Logger.getLogger(Bench.class.getName());

    private Bench() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Invocation invocation;
        Scenario scenario;
        try {
            invocation = CommandLine.parse(args, ScenarioCatalog.optionsByName());
            if (invocation.help()) {
                out.print(invocation.scenario() == null ? Usage.overview(ScenarioCatalog.summaries())
                        : help(ScenarioCatalog.find(invocation.scenario())));
                return OK;
            }
            scenario = ScenarioCatalog.find(invocation.scenario()).factory().create(invocation.options());
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("see: java -jar im-bench.jar --help");
            return USAGE;
        }
        String name = invocation.scenario();
        ReportPrinter printer = new ReportPrinter(out);
        Duration limit = scenario.timeLimit();
        Watchdog watchdog = Watchdog.arm(limit.plus(GRACE), () -> {
            printer.print(Report.failure(name, "still running " + GRACE.toSeconds() + " s past its time limit of "
                    + limit.toSeconds() + " s; stopped"));
            Runtime.getRuntime().halt(OVERRAN);
        });
        try {
            Report report = scenario.run(Deadline.in(limit), new Progress(err));
            printer.print(report);
            return OK;
        } catch (BenchException e) {
            printer.print(Report.failure(name, e.getMessage()));
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            printer.print(Report.failure(name, "interrupted"));
            return FAILED;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "scenario " + name + " failed unexpectedly", e);
            printer.print(Report.failure(name, "unexpected " + e));
            return FAILED;
        } finally {
            watchdog.disarm();
        }
    }

    private static String help(ScenarioSpec spec) {
        return Usage.scenario(spec.name(), spec.description(), spec.options());
    }
}
