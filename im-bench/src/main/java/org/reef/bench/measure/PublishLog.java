package org.reef.bench.measure;

import java.util.BitSet;

/**
 * What one publisher sent, and which of its messages count as published: stamped inside the measurement window
 * and completed (QoS 0: written to the socket; QoS 1: PUBACK received) before the window ends, and not refused.
 * Loss is counted against exactly these, so a message still in flight when time is up is never called lost.
 *
 * <p>A publisher numbers and stamps its messages in increasing order, so the ones stamped inside the window are a
 * contiguous range of sequence numbers; remembering its two ends tells, when a completion comes, whether that
 * message was sent inside the window. Written by the publisher's event loop, read by the main thread.
 */
public final class PublishLog {

    private volatile MeasurementWindow window;
    private final BitSet published = new BitSet();
    private final BitSet failedSeqs = new BitSet();
    private int firstInWindow = -1;
    private int lastInWindow = -1;
    private long sent;
    private long sentInWindow;
    private long failed;
    private long failedInWindow;

    public PublishLog(MeasurementWindow window) {
        this.window = window;
    }

    /**
     * A log whose window is set later with {@link #measure}, for publishers whose connection (and whatever listens
     * on it) exists before the measurement is scheduled. Until then nothing counts as inside the window.
     */
    public PublishLog() {
        this(MeasurementWindow.never());
    }

    public void measure(MeasurementWindow measured) {
        this.window = measured;
    }

    /**
     * Message {@code seq} was handed to the connection, stamped {@code stampNanos}.
     *
     * @return whether the stamp lies in the measurement window
     */
    public synchronized boolean sent(int seq, long stampNanos) {
        sent++;
        if (!window.contains(stampNanos)) {
            return false;
        }
        if (firstInWindow < 0) {
            firstInWindow = seq;
        }
        lastInWindow = seq;
        sentInWindow++;
        return true;
    }

    /** Message {@code seq} completed at {@code nowNanos}. */
    public synchronized void completed(int seq, long nowNanos) {
        if (inWindow(seq) && nowNanos < window.endNanos() && !failedSeqs.get(seq)) {
            published.set(seq);
        }
    }

    /**
     * Message {@code seq} failed: write error, refused in an MQTT 5 PUBACK, connection closed first, or refused by
     * the application after MQTT accepted it (an IM error event, which MQTT 3.1.1 has no PUBACK code for). A message
     * reported failed twice (an MQTT 5 refusal and its error event) counts once, and a failed message never counts as
     * published, whichever of its completion and its refusal comes first.
     */
    public synchronized void failed(int seq) {
        if (failedSeqs.get(seq)) {
            return;
        }
        failedSeqs.set(seq);
        published.clear(seq);
        failed++;
        if (inWindow(seq)) {
            failedInWindow++;
        }
    }

    private boolean inWindow(int seq) {
        return firstInWindow >= 0 && seq >= firstInWindow && seq <= lastInWindow;
    }

    /** The sequence numbers that count as published; a copy. */
    public synchronized BitSet published() {
        return (BitSet) published.clone();
    }

    public synchronized long publishedCount() {
        return published.cardinality();
    }

    public synchronized long sent() {
        return sent;
    }

    /** Messages stamped inside the window, completed or not. */
    public synchronized long sentInWindow() {
        return sentInWindow;
    }

    /** Messages stamped inside the window that have not failed: what the drain waits for. */
    public synchronized long owedInWindow() {
        return sentInWindow - failedInWindow;
    }

    public synchronized long failed() {
        return failed;
    }
}
