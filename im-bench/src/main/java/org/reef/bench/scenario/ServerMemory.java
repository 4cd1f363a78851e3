package org.reef.bench.scenario;

import org.reef.bench.cli.UsageException;
import org.reef.bench.report.ResidentMemory;

import java.io.IOException;

/**
 * The server's resident memory for the connections scenario: checked when the options are read (a wrong pid
 * fails before any connection is opened) and read without failing the run later (a server that died mid-run is
 * reported as unknown memory, next to the drops that tell the story).
 */
final class ServerMemory {

    private ServerMemory() {
    }

    static void check(long pid) throws UsageException {
        try {
            ResidentMemory.kilobytesOf(pid);
        } catch (IOException | RuntimeException e) {
            throw new UsageException("--pid " + pid + ": cannot read the resident memory of that process ("
                    + e.getMessage() + ")");
        }
    }

    /** VmRSS in kB, or null without a pid or when it cannot be read. */
    static Long read(Long pid) {
        if (pid == null) {
            return null;
        }
        try {
            return ResidentMemory.kilobytesOf(pid);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Runs a full garbage collection in a JVM ({@code jcmd PID GC.run}, bounded by 60 s); returns what happened, for
     * the progress output. A process that is not a JVM (or a missing jcmd) only makes it say so.
     */
    static String fullGc(Long pid) throws InterruptedException {
        if (pid == null) {
            return "no --pid";
        }
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                return "jcmd did not finish within 60 s";
            }
            return jcmd.exitValue() == 0 ? "done" : "jcmd failed (exit " + jcmd.exitValue() + ")";
        } catch (IOException e) {
            return "jcmd not available (" + e.getMessage() + ")";
        }
    }
}
