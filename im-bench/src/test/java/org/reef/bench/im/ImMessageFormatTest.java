package org.reef.bench.im;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.reef.bench.flow.Stamp;
import org.reef.bench.report.JsonLine;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImMessageFormatTest {

    private final ImMessageFormat format = new ImMessageFormat("run1", List.of("bench-a0", "bench-a1"),
            List.of("user:bench-b0", "group:g-1"));

    private Map<String, Object> send(Stamp stamp, int size) {
        ByteBuf payload = format.encode(UnpooledByteBufAllocator.DEFAULT, stamp, size);
        try {
            return Json.object(payload.toString(StandardCharsets.UTF_8));
        } finally {
            payload.release();
        }
    }

    /** The message event the server would deliver for what publisher {@code stream} sent. */
    private static String delivered(Map<String, Object> sent, String from, long seq) {
        return new JsonLine().put("type", "message").put("id", "x").put("conversation", "dm:bench-a0:bench-b0")
                .put("seq", seq).put("from", from).put("to", (String) sent.get("to")).put("kind", "text")
                .put("body", (String) sent.get("body")).put("clientMsgId", (String) sent.get("clientMsgId"))
                .put("sentAt", "2026-11-26T03:00:00.123Z").toString();
    }

    @Test
    void aSendIsAnImSendRequestWithTheStampInItsBody() {
        Map<String, Object> sent = send(new Stamp(1, 42, -123_456_789L), 64);
        assertEquals(List.of("to", "kind", "body", "clientMsgId"), List.copyOf(sent.keySet()));
        assertEquals("group:g-1", sent.get("to"));
        assertEquals("text", sent.get("kind"));
        String body = (String) sent.get("body");
        assertEquals(64, body.length());
        assertTrue(body.startsWith("t=-123456789 n=42."), body);
        assertEquals("run1-1-42", sent.get("clientMsgId"));
    }

    @Test
    void theLongestStampFitsTheMinimumBody() {
        Map<String, Object> sent = send(new Stamp(0, Integer.MAX_VALUE, Long.MIN_VALUE), ImMessageFormat.MINIMUM_BODY);
        assertEquals("t=" + Long.MIN_VALUE + " n=" + Integer.MAX_VALUE, sent.get("body"));
        assertThrows(IllegalArgumentException.class, () -> format.encode(UnpooledByteBufAllocator.DEFAULT,
                new Stamp(0, 0, 0), ImMessageFormat.MINIMUM_BODY - 1));
    }

    @Test
    void aDeliveredMessageGivesItsStampBack() {
        Map<String, Object> sent = send(new Stamp(0, 7, 5_000_000_000L), 40);
        String event = delivered(sent, "bench-a0", 3);
        assertEquals(new Stamp(0, 7, 5_000_000_000L), format.stamp(ImEvent.parse(event)));
        assertEquals(new Stamp(0, 7, 5_000_000_000L),
                format.decode(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
    }

    @Test
    void messagesThatAreNotThisRunsCarryNoStamp() {
        Map<String, Object> sent = send(new Stamp(0, 7, 1_000L), 40);
        assertNull(format.stamp(ImEvent.parse(delivered(sent, "bench-a1", 3))), "from the wrong sender");
        ImMessageFormat otherRun = new ImMessageFormat("run2", List.of("bench-a0"), List.of("user:bench-b0"));
        assertNull(otherRun.stamp(ImEvent.parse(delivered(sent, "bench-a0", 3))), "another run's tag");
        assertFalse(otherRun.isOurs((String) sent.get("clientMsgId")));
        String tampered = delivered(sent, "bench-a0", 3).replace("n=7", "n=70");
        assertNull(format.stamp(ImEvent.parse(tampered)), "body and clientMsgId disagree");
        assertNull(format.stamp(ImEvent.parse("{\"type\":\"ack\",\"clientMsgId\":\"run1-0-7\"}")), "not a message");
        assertNull(format.decode(Unpooled.copiedBuffer("not json", StandardCharsets.UTF_8)));
    }

    @Test
    void theSequenceNumberOfAnAcknowledgedOrRefusedMessage() {
        assertEquals(42, format.seqOf("run1-1-42"));
        assertEquals(-1, format.seqOf("run2-1-42"));
        assertEquals(-1, format.seqOf("run1-1-x"));
        assertEquals(-1, format.seqOf(null));
    }

    @Test
    void tagsAreLettersAndDigitsAndDifferBetweenRuns() {
        String tag = ImMessageFormat.newTag("a1b2c3");
        assertTrue(tag.matches("a1b2c3[0-9a-z]+"), tag);
        assertTrue(("" + tag + "-99999-" + Integer.MAX_VALUE).length() <= 64, "clientMsgId within 64 characters");
        assertThrows(IllegalArgumentException.class, () -> new ImMessageFormat("a-b", List.of(), List.of()));
    }
}
