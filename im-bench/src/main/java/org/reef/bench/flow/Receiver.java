package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import org.reef.bench.client.MessageListener;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.MeasurementWindow;
import org.reef.bench.measure.SequenceTracker;

import java.util.concurrent.atomic.LongAdder;

/**
 * The bookkeeping of one subscriber: reads the stamp of each delivered message, tracks the sequence of each
 * stream it expects, and records the end-to-end latency of the messages stamped inside the measurement window.
 * Messages that carry no stamp, or come from a stream it does not expect, are counted as unexpected.
 */
public final class Receiver implements MessageListener {

    private final PayloadFormat format;
    private volatile MeasurementWindow window = MeasurementWindow.never();
    private final LatencyRecorder latency;
    private final int[] sources;
    private final SequenceTracker[] trackers;
    private final LongAdder unexpected = new LongAdder();
    private final LongAdder arrivedInWindow = new LongAdder();

    /**
     * @param sources the streams this subscriber should receive (publisher indexes)
     * @param latency shared by every receiver of the run
     */
    public Receiver(PayloadFormat format, LatencyRecorder latency, int[] sources) {
        this.format = format;
        this.latency = latency;
        this.sources = sources.clone();
        int streams = 0;
        for (int source : sources) {
            streams = Math.max(streams, source + 1);
        }
        this.trackers = new SequenceTracker[streams];
        for (int source : sources) {
            trackers[source] = new SequenceTracker();
        }
    }

    /**
     * Sets the measurement window. A receiver exists before its subscriber connects, while the window is only known
     * once publishing starts; until then nothing counts as inside it.
     */
    public void measure(MeasurementWindow measured) {
        this.window = measured;
    }

    @Override
    public void onMessage(String topic, ByteBuf payload) {
        long now = System.nanoTime();
        Stamp stamp = format.decode(payload);
        if (stamp == null) {
            unexpected.increment();
            return;
        }
        record(stamp, now);
    }

    /**
     * Counts one arrival whose stamp was already read, for listeners that unwrap an application protocol's events
     * themselves. A stamp of a stream this subscriber does not expect counts as unexpected.
     *
     * @return false for such an unexpected stamp
     */
    public boolean record(Stamp stamp, long arrivalNanos) {
        if (stamp.stream() >= trackers.length || trackers[stamp.stream()] == null) {
            unexpected.increment();
            return false;
        }
        boolean inWindow = window.contains(stamp.sentNanos());
        trackers[stamp.stream()].record(stamp.seq(), inWindow, arrivalNanos);
        if (window.contains(arrivalNanos)) {
            arrivedInWindow.increment();
        }
        if (inWindow) {
            latency.recordNanos(arrivalNanos - stamp.sentNanos());
        }
        return true;
    }

    /** A message that is not one of ours at all, seen by a listener that reads the payload itself. */
    public void countUnexpected() {
        unexpected.increment();
    }

    public int[] sources() {
        return sources.clone();
    }

    public SequenceTracker tracker(int stream) {
        return trackers[stream];
    }

    /** Our messages that arrived during the measurement window, whenever they were sent. */
    public long arrivedInWindow() {
        return arrivedInWindow.sum();
    }

    public long unexpected() {
        return unexpected.sum();
    }
}
