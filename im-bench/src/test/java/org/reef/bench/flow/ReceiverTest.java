package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.MeasurementWindow;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReceiverTest {

    private final LatencyRecorder latency = new LatencyRecorder();
    private final Receiver receiver = new Receiver(BinaryStampFormat.INSTANCE, latency, new int[] {1, 3});

    private void deliver(int stream, int seq, long sentNanos) {
        ByteBuf payload = BinaryStampFormat.INSTANCE.encode(UnpooledByteBufAllocator.DEFAULT,
                new Stamp(stream, seq, sentNanos), 32);
        try {
            receiver.onMessage("t", payload);
        } finally {
            payload.release();
        }
    }

    @Test
    void beforeTheWindowIsKnownNothingIsMeasured() {
        deliver(1, 0, System.nanoTime());
        assertEquals(1, receiver.tracker(1).received());
        assertEquals(0, receiver.tracker(1).distinctInWindow());
        assertEquals(0, latency.summary().count());
    }

    @Test
    void onlyMessagesStampedInTheWindowAreTimed() {
        long now = System.nanoTime();
        receiver.measure(new MeasurementWindow(now - 1_000_000_000L, now + 1_000_000_000L));
        deliver(1, 0, now - 2_000_000_000L); // warm-up
        deliver(1, 1, now);
        deliver(3, 0, now);
        assertEquals(2, latency.summary().count());
        assertEquals(1, receiver.tracker(1).distinctInWindow());
        assertEquals(2, receiver.tracker(1).received());
        assertEquals(1, receiver.tracker(3).received());
    }

    @Test
    void arrivalsDuringTheWindowCountWheneverTheirMessageWasSent() {
        long now = System.nanoTime();
        receiver.measure(new MeasurementWindow(now - 1_000_000_000L, now + 60_000_000_000L));
        deliver(1, 0, now - 5_000_000_000L); // sent in the warm-up, arriving now: counts as an arrival
        deliver(1, 1, now);
        deliver(3, 0, now);
        assertEquals(3, receiver.arrivedInWindow());
        assertEquals(1, receiver.tracker(1).distinctInWindow(), "but only one was sent in the window");

        Receiver after = new Receiver(BinaryStampFormat.INSTANCE, new LatencyRecorder(), new int[] {1});
        after.measure(new MeasurementWindow(now - 2_000_000_000L, now - 1_000_000_000L)); // already over
        ByteBuf payload = BinaryStampFormat.INSTANCE.encode(UnpooledByteBufAllocator.DEFAULT,
                new Stamp(1, 0, now - 1_500_000_000L), 32);
        try {
            after.onMessage("t", payload);
        } finally {
            payload.release();
        }
        assertEquals(0, after.arrivedInWindow(), "an arrival after the window does not count");
    }

    @Test
    void streamsItDoesNotExpectAndForeignPayloadsAreUnexpected() {
        receiver.measure(MeasurementWindow.always());
        deliver(0, 0, 0);
        deliver(2, 0, 0);
        deliver(4, 0, 0);
        receiver.onMessage("t", Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        assertEquals(4, receiver.unexpected());
    }
}
