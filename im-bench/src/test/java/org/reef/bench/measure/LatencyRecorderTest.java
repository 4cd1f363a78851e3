package org.reef.bench.measure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LatencyRecorderTest {

    @Test
    void percentilesOfOneToOneThousandMicros() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (long micros = 1; micros <= 1_000; micros++) {
            recorder.recordNanos(micros * 1_000);
        }
        LatencySummary summary = recorder.summary();
        assertEquals(1_000, summary.count());
        assertEquals(500L, summary.p50());
        assertEquals(900L, summary.p90());
        assertEquals(990L, summary.p99());
        assertEquals(1_000L, summary.max());
    }

    @Test
    void nanosAreTruncatedToMicrosAndNegativeClockSkewCountsAsZero() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordNanos(1_999);
        recorder.recordNanos(-5_000);
        LatencySummary summary = recorder.summary();
        assertEquals(2, summary.count());
        assertEquals(1L, summary.max());
        assertEquals(0L, summary.p50());
    }

    @Test
    void aSkewedDistributionShowsInTheTail() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 98; i++) {
            recorder.recordNanos(100_000); // 100 µs
        }
        recorder.recordNanos(50_000_000); // 50 ms
        recorder.recordNanos(50_000_000);
        LatencySummary summary = recorder.summary();
        assertEquals(100L, summary.p50());
        assertEquals(100L, summary.p90());
        // above 2048 µs three significant digits hold: within 0.1 %
        assertEquals(50_000, summary.p99(), 50);
        assertEquals(50_000, summary.max(), 50);
    }

    @Test
    void valuesAboveAnHourAreClampedNotLost() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordNanos(Long.MAX_VALUE);
        LatencySummary summary = recorder.summary();
        assertEquals(1, summary.count());
        assertEquals(LatencyRecorder.HIGHEST_MICROS, summary.max(), LatencyRecorder.HIGHEST_MICROS / 1_000.0);
    }

    @Test
    void noSamplesMeansUnknownPercentilesNotZero() {
        LatencySummary summary = new LatencyRecorder().summary();
        assertEquals(0, summary.count());
        assertNull(summary.p50());
        assertNull(summary.max());
        assertEquals("{\"count\":0,\"p50\":null,\"p90\":null,\"p99\":null,\"max\":null}",
                summary.toJson().toString());
    }

    @Test
    void summaryTakesWhatWasRecordedSinceTheLastOne() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordNanos(1_000_000);
        recorder.summary();
        recorder.recordNanos(2_000);
        LatencySummary second = recorder.summary();
        assertEquals(1, second.count());
        assertEquals(2L, second.max());
    }
}
