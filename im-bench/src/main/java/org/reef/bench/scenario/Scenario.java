package org.reef.bench.scenario;

import org.reef.bench.report.Report;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.time.Duration;

/**
 * One configured run. Built from validated options (so a bad option fails before anything connects), run once.
 */
public interface Scenario {

    /**
     * The longest the run may take: the sum of the bounds of its phases. The run gets it as its deadline, and the
     * watchdog ends the process a little after it.
     */
    Duration timeLimit();

    Report run(Deadline deadline, Progress progress) throws BenchException, InterruptedException;
}
