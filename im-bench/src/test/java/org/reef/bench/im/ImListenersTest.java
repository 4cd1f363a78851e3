package org.reef.bench.im;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.reef.bench.client.MessageListener;
import org.reef.bench.flow.Receiver;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.MeasurementWindow;
import org.reef.bench.measure.PublishLog;
import org.reef.bench.report.JsonLine;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bookkeeping of the inboxes: what receiving and sending devices make of the server's events. */
class ImListenersTest {

    private static final MeasurementWindow WINDOW = new MeasurementWindow(1_000, 2_000);

    private final ImMessageFormat format = new ImMessageFormat("run1", List.of("s0", "s1"),
            List.of("group:g", "group:g"));
    private final ImListeners listeners = new ImListeners(format);
    private final LatencyRecorder latency = new LatencyRecorder();

    private static void deliver(MessageListener listener, String json) {
        ByteBuf payload = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            listener.onMessage("im/inbox/x", payload);
        } finally {
            payload.release();
        }
    }

    private static String message(String from, int stream, int seq, long sentNanos, long conversationSeq,
                                  String tag) {
        return new JsonLine().put("type", "message").put("id", "id" + conversationSeq).put("conversation", "group:g")
                .put("seq", conversationSeq).put("from", from).put("to", "group:g").put("kind", "text")
                .put("body", "t=" + sentNanos + " n=" + seq + "....").put("clientMsgId", tag + "-" + stream + "-" + seq)
                .put("sentAt", "2026-11-26T03:00:00Z").toString();
    }

    private static String event(String type, String clientMsgId, Map<String, String> more) {
        JsonLine json = new JsonLine().put("type", type).put("clientMsgId", clientMsgId);
        more.forEach(json::put);
        return json.toString();
    }

    private Receiver receiver() {
        Receiver receiver = new Receiver(format, latency, new int[] {0, 1});
        receiver.measure(WINDOW);
        return receiver;
    }

    @Test
    void aReceivingDeviceCountsThisRunsMessagesPerSenderAndChecksTheConversationOrder() {
        Receiver receiver = receiver();
        MessageListener inbox = listeners.subscriber(0, receiver);
        deliver(inbox, message("s0", 0, 0, 1_100, 10, "run1"));
        deliver(inbox, message("s1", 1, 0, 1_200, 11, "run1"));
        deliver(inbox, message("s0", 0, 1, 1_300, 13, "run1")); // seq 12 never comes
        deliver(inbox, message("s0", 0, 1, 1_300, 13, "run1")); // a repeat
        assertEquals(2, receiver.tracker(0).distinctInWindow());
        assertEquals(1, receiver.tracker(0).duplicates());
        assertEquals(1, receiver.tracker(1).received());
        assertEquals(4, latency.summary().count());
        ImListeners.OrderTotals order = listeners.order();
        assertEquals(1, order.gaps());
        assertEquals(1, order.repeats());
        assertEquals(0, order.outOfOrder());
        assertFalse(order.inOrder());
    }

    @Test
    void aGroupsSystemMessagesTakeTheirPlaceInItsOrderButAreNotMeasured() {
        Receiver receiver = receiver();
        MessageListener inbox = listeners.subscriber(0, receiver);
        deliver(inbox, "{\"type\":\"message\",\"id\":\"s\",\"conversation\":\"group:g\",\"seq\":7,"
                + "\"from\":\"s0\",\"to\":\"group:g\",\"kind\":\"system\",\"body\":{\"event\":\"member_added\","
                + "\"users\":[\"m9\"],\"by\":\"s0\"},\"clientMsgId\":\"system:1\",\"sentAt\":\"2026-11-26T03:00:00Z\"}");
        deliver(inbox, message("s0", 0, 0, 1_100, 8, "run1"));
        assertEquals(1, listeners.counters().systemMessages());
        assertEquals(0, listeners.counters().otherRuns());
        assertEquals(0, receiver.unexpected());
        assertEquals(1, receiver.tracker(0).received());
        assertTrue(listeners.order().inOrder());
    }

    @Test
    void whatIsNotThisRunsMessageIsCountedNotMeasured() {
        Receiver receiver = receiver();
        MessageListener inbox = listeners.subscriber(0, receiver);
        deliver(inbox, message("s0", 0, 0, 1_100, 1, "run0"));             // an earlier run's
        deliver(inbox, message("s1", 0, 1, 1_100, 2, "run1"));             // stream 0 is s0's, not s1's
        deliver(inbox, event("ack", "run1-0-0", Map.of("conversation", "group:g")));
        deliver(inbox, event("error", "run1-0-0", Map.of("code", "forbidden")));
        deliver(inbox, "{\"not\":\"an event\"}");
        InboxCounters counters = listeners.counters();
        assertEquals(1, counters.otherRuns());
        assertEquals(1, receiver.unexpected());
        assertEquals(Map.of("ack on a receiving device (the sender's other device)", 1L),
                counters.otherEvents().counts());
        assertEquals(Map.of("forbidden", 1L), counters.errors().counts());
        assertEquals(1, counters.unreadable());
        assertEquals(5, counters.events());
        assertEquals(0, receiver.tracker(0).received());
    }

    @Test
    void aSendingDeviceCountsAcksAndFailsRefusedMessages() {
        PublishLog log = new PublishLog(WINDOW);
        MessageListener inbox = listeners.publisher(0, log);
        for (int seq = 0; seq < 4; seq++) {
            log.sent(seq, 1_100 + seq);
        }
        log.completed(0, 1_500);
        deliver(inbox, event("ack", "run1-0-0", Map.of("seq", "1")));
        // MQTT 3.1.1: the PUBACK of a refused send looks like any other, before or after its error event
        log.completed(1, 1_500);
        deliver(inbox, event("error", "run1-0-1", Map.of("code", "rate_limited", "message", "slow down")));
        deliver(inbox, event("error", "run1-0-2", Map.of("code", "rate_limited", "message", "slow down")));
        log.completed(2, 1_500);
        log.failed(2); // MQTT 5 also refuses in the PUBACK: still one failure
        deliver(inbox, message("s0", 0, 9, 1_000, 1, "run0"));              // the previous run's own copies
        deliver(inbox, message("s1", 1, 0, 1_100, 2, "run1"));              // another sender of the group
        InboxCounters counters = listeners.counters();
        assertEquals(1, counters.acks());
        assertEquals(Map.of("rate_limited", 2L), counters.errors().counts());
        assertEquals(1, log.publishedCount());
        assertTrue(log.published().get(0));
        assertEquals(2, log.failed());
        assertEquals(2, log.owedInWindow(), "messages 0 and 3; the refused ones are owed to nobody");
        assertEquals(1, counters.otherRuns());
        assertEquals(Map.of("message of this run on a sending device", 1L), counters.otherEvents().counts());
    }
}
