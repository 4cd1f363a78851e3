package org.reef.bench.flow;

import org.reef.bench.report.JsonLine;
import org.reef.bench.report.Report;

/**
 * The report of a messaging run: the same figures and JSON field names for every topology, so a comparison script
 * reads pairs, fan-out and the IM scenarios alike. The shape fields ({@code pairs}, or {@code publishers} and
 * {@code subscribers}) come from the scenario.
 */
public final class FlowReport {

    private FlowReport() {
    }

    /**
     * @param target    the server and protocol, e.g. {@code MQTT 3.1.1 at 127.0.0.1:1883}
     * @param shapeText the topology in words, e.g. {@code 100 pairs}
     */
    public static Report of(String scenario, String mqtt, String target, JsonLine shape, String shapeText,
                            FlowSettings settings, FlowOutcome outcome) {
        return of(scenario, mqtt, target, shape, shapeText, settings.size() + "-byte payloads", settings, outcome);
    }

    /**
     * @param sizeText what {@code size} measured, e.g. {@code 64-byte payloads}
     */
    public static Report of(String scenario, String mqtt, String target, JsonLine shape, String shapeText,
                            String sizeText, FlowSettings settings, FlowOutcome outcome) {
        FlowTally tally = outcome.tally();
        Report report = new Report(scenario);
        report.line("%s: %s, QoS %d, %s, %s; %.1f s measured after %d s warm-up (%s)", scenario,
                shapeText, settings.qos().value(), sizeText, settings.describeRate(),
                outcome.measuredSeconds(), settings.warmup().toSeconds(), target);
        report.line("published %d (%.0f/s), delivered %d of %d (%.0f/s)", tally.published(),
                outcome.publishedPerSecond(), tally.delivered(), tally.expected(), outcome.deliveredPerSecond());
        report.line("arrived during the window (whenever sent): %d (%.0f/s)", outcome.arrivedInWindow(),
                outcome.arrivalsPerSecond());
        report.line("lost %d (in %d streams), duplicates %d, out of order %d, unexpected %d, publish failures %d",
                tally.lost(), tally.streamsWithLoss(), tally.duplicates(), tally.outOfOrder(), tally.unexpected(),
                tally.publishFailures());
        report.line("latency: %s", outcome.latency().describe());
        if (!settings.flatOut()) {
            report.line("pacing lag (the tool's own delay behind schedule, part of the latency): %s",
                    outcome.pacingLag().describe());
        }
        report.line("drain %.2f s; connections dropped: %s", outcome.drainSeconds(), outcome.drops().describe());
        if (outcome.drainTimedOut()) {
            report.line("note: the drain hit its bound; 'lost' counts messages not delivered by then, queued in the"
                    + " server or socket buffers or dropped. Offered more than was delivered? Try --rate.");
        }
        report.json()
                .put("mqtt", mqtt)
                .put("qos", settings.qos().value())
                .putAll(shape)
                .put("size", settings.size())
                .put("rate", settings.ratePerSecond())
                .put("warmupSeconds", settings.warmup().toMillis() / 1000.0)
                .put("durationSeconds", outcome.measuredSeconds())
                .put("sent", tally.sent())
                .put("published", tally.published())
                .put("publishFailures", tally.publishFailures())
                .put("expected", tally.expected())
                .put("delivered", tally.delivered())
                .put("messagesPerSecond", outcome.deliveredPerSecond())
                .put("arrivedInWindow", outcome.arrivedInWindow())
                .put("arrivalsPerSecond", outcome.arrivalsPerSecond())
                .put("publishedPerSecond", outcome.publishedPerSecond())
                .put("lost", tally.lost())
                .put("streamsWithLoss", tally.streamsWithLoss())
                .put("duplicates", tally.duplicates())
                .put("outOfOrder", tally.outOfOrder())
                .put("unexpected", tally.unexpected())
                .put("drainSeconds", outcome.drainSeconds())
                .put("dropped", outcome.drops().total())
                .put("drainTimedOut", outcome.drainTimedOut())
                .put("latencyMicros", outcome.latency().toJson())
                .put("pacingLagMicros", outcome.pacingLag().toJson());
        return report;
    }
}
