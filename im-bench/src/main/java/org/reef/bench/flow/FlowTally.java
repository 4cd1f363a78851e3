package org.reef.bench.flow;

import org.reef.bench.measure.PublishLog;
import org.reef.bench.measure.SequenceTracker;

import java.util.BitSet;
import java.util.List;

/**
 * The totals of a messaging run, counted per stream (one publisher as seen by one subscriber) and summed, so a
 * fan-out to 200 subscribers counts each delivery: {@code expected} is what every subscriber should have got of
 * what counts as published, {@code delivered + lost == expected}.
 *
 * @param sent            every publication handed to a connection, warm-up and drain included
 * @param published       publications that count ({@link PublishLog}): stamped in the window, completed in it
 * @param publishFailures publications that failed (write error, MQTT 5 PUBACK error, connection closed)
 * @param expected        deliveries owed: for each subscriber, the published messages of its sources
 * @param delivered       of those, the ones that arrived
 * @param lost            of those, the ones that never arrived
 * @param duplicates      arrivals of a sequence number already received (whole run)
 * @param outOfOrder      arrivals after a higher sequence number of the same stream (whole run)
 * @param unexpected      messages without our stamp or from a stream the subscriber does not expect
 * @param streamsWithLoss streams that lost at least one message
 */
public record FlowTally(long sent, long published, long publishFailures, long expected, long delivered, long lost,
                        long duplicates, long outOfOrder, long unexpected, int streamsWithLoss) {

    public static FlowTally of(List<PublishLog> logs, List<Receiver> receivers) {
        long sent = 0;
        long published = 0;
        long failures = 0;
        BitSet[] publishedByStream = new BitSet[logs.size()];
        for (int p = 0; p < logs.size(); p++) {
            PublishLog log = logs.get(p);
            sent += log.sent();
            failures += log.failed();
            publishedByStream[p] = log.published();
            published += publishedByStream[p].cardinality();
        }
        long expected = 0;
        long delivered = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        long unexpected = 0;
        int streamsWithLoss = 0;
        for (Receiver receiver : receivers) {
            unexpected += receiver.unexpected();
            for (int source : receiver.sources()) {
                SequenceTracker tracker = receiver.tracker(source);
                BitSet owed = publishedByStream[source];
                long got = tracker.deliveredOf(owed);
                expected += owed.cardinality();
                delivered += got;
                duplicates += tracker.duplicates();
                outOfOrder += tracker.outOfOrder();
                if (got < owed.cardinality()) {
                    streamsWithLoss++;
                }
            }
        }
        return new FlowTally(sent, published, failures, expected, delivered, expected - delivered, duplicates,
                outOfOrder, unexpected, streamsWithLoss);
    }
}
