package org.reef.bench.flow;

import org.reef.bench.connect.FailureTally;
import org.reef.bench.measure.LatencySummary;

/**
 * The figures of a messaging run.
 *
 * @param latency         end to end, from the stamp (due time when paced, send time when flat out) to arrival
 * @param pacingLag       how late paced publishers sent behind their schedule; no samples when flat out
 * @param measuredSeconds the length of the measurement window
 * @param drainSeconds    how long the drain after the window took
 * @param drainBound      the longest the drain could take
 * @param drops           connections the server or the network closed during the run, by reason
 * @param arrivedInWindow deliveries that arrived during the measurement window, whenever their message was sent:
 *                        what the server forwarded in that time (steady state when flat out, whatever held the
 *                        publishers back)
 */
public record FlowOutcome(FlowTally tally, LatencySummary latency, LatencySummary pacingLag, double measuredSeconds,
                          double drainSeconds, double drainBound, FailureTally drops, long arrivedInWindow) {

    /** True when the drain ran out of time with messages outstanding: "lost" then includes messages still queued. */
    public boolean drainTimedOut() {
        return tally.lost() > 0 && drainSeconds >= drainBound;
    }

    /** Deliveries per second of the measurement window. */
    public double deliveredPerSecond() {
        return measuredSeconds <= 0 ? 0 : tally.delivered() / measuredSeconds;
    }

    /** Deliveries that arrived per second of the measurement window. */
    public double arrivalsPerSecond() {
        return measuredSeconds <= 0 ? 0 : arrivedInWindow / measuredSeconds;
    }

    public double publishedPerSecond() {
        return measuredSeconds <= 0 ? 0 : tally.published() / measuredSeconds;
    }
}
