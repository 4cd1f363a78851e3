package org.reef.bench.measure;

import java.util.BitSet;

/**
 * What one publisher sent, and which of its messages count as published: stamped inside the measurement window
 * and completed (QoS 0: written to the socket; QoS 1: PUBACK received) before the window ends. Loss is counted
 * against exactly these, so a message still in flight when time is up is never called lost.
 *
 * <p>A publisher numbers and stamps its messages in increasing order, so the ones stamped inside the window are a
 * contiguous range of sequence numbers; remembering its two ends tells, when a completion comes, whether that
 * message was sent inside the window. Written by the publisher's event loop, read by the main thread.
 */
public final class PublishLog {

    private final MeasurementWindow window;
    private final BitSet published = new BitSet();
    private int firstInWindow = -1;
    private int lastInWindow = -1;
    private long sent;
    private long sentInWindow;
    private long failed;

    public PublishLog(MeasurementWindow window) {
        this.window = window;
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
        if (firstInWindow >= 0 && seq >= firstInWindow && seq <= lastInWindow && nowNanos < window.endNanos()) {
            published.set(seq);
        }
    }

    /** Message {@code seq} failed: write error, refused in an MQTT 5 PUBACK, or connection closed first. */
    public synchronized void failed(int seq) {
        failed++;
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

    /** Messages stamped inside the window, completed or not: what the drain waits for. */
    public synchronized long sentInWindow() {
        return sentInWindow;
    }

    public synchronized long failed() {
        return failed;
    }
}
