package org.reef.bench.report;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prints the one report of a process. The scenario and the watchdog race to report; whichever comes first wins,
 * so the output never holds two JSON lines.
 */
public final class ReportPrinter {

    private final PrintStream out;
    private final AtomicBoolean printed = new AtomicBoolean();

    public ReportPrinter(PrintStream out) {
        this.out = out;
    }

    /** @return false if a report was printed already */
    public boolean print(Report report) {
        if (!printed.compareAndSet(false, true)) {
            return false;
        }
        report.printTo(out);
        return true;
    }
}
