package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.MeasurementWindow;
import org.reef.bench.measure.PublishLog;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowTallyTest {

    private static final MeasurementWindow WINDOW = new MeasurementWindow(1_000, 2_000);

    /** A publisher that sent {@code count} messages in the window, all completed in it. */
    private static PublishLog published(int count) {
        PublishLog log = new PublishLog(WINDOW);
        for (int seq = 0; seq < count; seq++) {
            log.sent(seq, 1_000 + seq);
            log.completed(seq, 1_500);
        }
        return log;
    }

    private static Receiver receiver(int... sources) {
        Receiver receiver = new Receiver(BinaryStampFormat.INSTANCE, new LatencyRecorder(), sources);
        receiver.measure(WINDOW);
        return receiver;
    }

    private static void deliver(Receiver receiver, int stream, int... seqs) {
        for (int seq : seqs) {
            ByteBuf payload = BinaryStampFormat.INSTANCE.encode(UnpooledByteBufAllocator.DEFAULT,
                    new Stamp(stream, seq, 1_000 + seq), 20);
            try {
                receiver.onMessage("t", payload);
            } finally {
                payload.release();
            }
        }
    }

    @Test
    void pairsCountLossPerPair() {
        Receiver first = receiver(0);
        Receiver second = receiver(1);
        deliver(first, 0, 0, 1, 2, 3, 4);
        deliver(second, 1, 0, 2, 1, 1); // 3 and 4 lost, 1 late and repeated
        FlowTally tally = FlowTally.of(List.of(published(5), published(5)), List.of(first, second));
        assertEquals(10, tally.sent());
        assertEquals(10, tally.published());
        assertEquals(10, tally.expected());
        assertEquals(8, tally.delivered());
        assertEquals(2, tally.lost());
        assertEquals(1, tally.streamsWithLoss());
        assertEquals(1, tally.duplicates());
        assertEquals(1, tally.outOfOrder());
    }

    @Test
    void fanoutOwesEveryMessageToEverySubscriber() {
        Receiver a = receiver(0, 1);
        Receiver b = receiver(0, 1);
        Receiver c = receiver(0, 1);
        for (Receiver r : List.of(a, b, c)) {
            deliver(r, 0, 0, 1, 2);
            deliver(r, 1, 0, 1, 2, 3);
        }
        deliver(c, 1, 4); // completed after the window: neither owed nor counted
        FlowTally tally = FlowTally.of(List.of(published(3), published(4)), List.of(a, b, c));
        assertEquals(7, tally.published());
        assertEquals(21, tally.expected());
        assertEquals(21, tally.delivered());
        assertEquals(0, tally.lost());
    }

    @Test
    void messagesStillInFlightAtTheEndAreNeitherPublishedNorLost() {
        PublishLog log = new PublishLog(WINDOW);
        log.sent(0, 1_100);
        log.completed(0, 1_200);
        log.sent(1, 1_900);
        log.completed(1, 2_100); // PUBACK after the end
        log.sent(2, 1_950);
        log.failed(2);
        Receiver receiver = receiver(0);
        deliver(receiver, 0, 0);
        FlowTally tally = FlowTally.of(List.of(log), List.of(receiver));
        assertEquals(3, tally.sent());
        assertEquals(1, tally.published());
        assertEquals(1, tally.publishFailures());
        assertEquals(0, tally.lost());
        assertEquals(1, tally.delivered());
    }
}
