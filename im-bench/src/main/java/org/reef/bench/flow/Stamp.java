package org.reef.bench.flow;

/**
 * What every benchmark message carries for the bookkeeping.
 *
 * @param stream    the publisher's index: sequence numbers are per stream
 * @param seq       the publisher's sequence number, from 0
 * @param sentNanos the {@link System#nanoTime()} the message was due (paced) or sent (flat out); the receiver is
 *                  in the same process, so the clocks agree
 */
public record Stamp(int stream, int seq, long sentNanos) {
}
