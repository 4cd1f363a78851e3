package org.reef.bench.measure;

import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;

/**
 * Records latencies from every event loop at once into an HdrHistogram {@link Recorder} (wait-free for the
 * recording threads), in microseconds with three significant digits: exact below 2 048 µs, within 0.1 % above.
 * Values above an hour are clamped to an hour rather than lost.
 */
public final class LatencyRecorder {

    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);

    public void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        recorder.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    /** Everything recorded since the previous call. */
    public LatencySummary summary() {
        return LatencySummary.of(recorder.getIntervalHistogram());
    }
}
