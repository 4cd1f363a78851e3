package org.reef.bench.measure;

/**
 * The stretch of a run that counts, in {@link System#nanoTime()} terms: from the end of the warm-up to the end of
 * the measurement. A message belongs to it by the time stamped in its payload, not by when it happens to arrive.
 */
public record MeasurementWindow(long startNanos, long endNanos) {

    public MeasurementWindow {
        if (endNanos < startNanos) {
            throw new IllegalArgumentException("window ends before it starts");
        }
    }

    /** A window that counts everything, for scenarios measured by count rather than by time. */
    public static MeasurementWindow always() {
        return new MeasurementWindow(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A window that counts nothing, until the real one is known. */
    public static MeasurementWindow never() {
        return new MeasurementWindow(Long.MIN_VALUE, Long.MIN_VALUE);
    }

    public boolean contains(long nanos) {
        return nanos >= startNanos && nanos < endNanos;
    }

    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
