package org.reef.bench.measure;

import org.HdrHistogram.Histogram;
import org.reef.bench.report.JsonLine;

/**
 * The latency figures a report shows, in microseconds. With no samples the percentiles are unknown (null in
 * JSON), not zero: a run that delivered nothing must not look infinitely fast.
 */
public record LatencySummary(long count, Long p50, Long p90, Long p99, Long max) {

    static LatencySummary of(Histogram histogram) {
        long count = histogram.getTotalCount();
        if (count == 0) {
            return new LatencySummary(0, null, null, null, null);
        }
        return new LatencySummary(count,
                histogram.getValueAtPercentile(50.0),
                histogram.getValueAtPercentile(90.0),
                histogram.getValueAtPercentile(99.0),
                histogram.getMaxValue());
    }

    public JsonLine toJson() {
        return new JsonLine()
                .put("count", count)
                .putNullable("p50", p50)
                .putNullable("p90", p90)
                .putNullable("p99", p99)
                .putNullable("max", max);
    }

    /** For the human summary: {@code p50 120  p90 180  p99 400  max 2100 µs (10000 samples)}. */
    public String describe() {
        if (count == 0) {
            return "no samples";
        }
        return String.format("p50 %d  p90 %d  p99 %d  max %d µs (%d samples)", p50, p90, p99, max, count);
    }
}
