package org.reef.bench.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress lines on standard error, stamped with the seconds since the start, so that standard output holds only
 * the report and a long run still shows it is alive.
 */
public final class Progress {

    private final PrintStream err;
    private final long startNanos = System.nanoTime();

    public Progress(PrintStream err) {
        this.err = err;
    }

    public void say(String format, Object... args) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        err.println(String.format(Locale.ROOT, "[%7.2fs] ", seconds) + String.format(Locale.ROOT, format, args));
    }
}
