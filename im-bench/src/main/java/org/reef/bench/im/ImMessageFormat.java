package org.reef.bench.im;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.reef.bench.flow.PayloadFormat;
import org.reef.bench.flow.Stamp;
import org.reef.bench.report.JsonLine;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The stamp inside an IM text message (Reef IM protocol v1, "Sending"): what publisher {@code p} sends to
 * {@code im/send}, and how a receiving device finds the stamp again in the message event the server delivers.
 *
 * <pre>{"to":"user:bob","kind":"text","body":"t=81234567890 n=42 .....","clientMsgId":"&lt;tag&gt;-&lt;p&gt;-42"}</pre>
 *
 * <p>The body holds the send time ({@link System#nanoTime()}, one clock for sender and receiver) and the sequence
 * number, padded with dots to {@code size} characters. The {@code clientMsgId} carries the run's tag, the stream and
 * the sequence number: acknowledgements and error events name a message only by it, and the server takes a
 * {@code clientMsgId} it has seen from a sender as a retry and stores nothing new, so it must never repeat across
 * runs that reuse the same accounts. A delivery whose {@code clientMsgId} lacks the tag is from another run.
 */
public final class ImMessageFormat implements PayloadFormat {

    /** The longest stamp text: {@code t=-9223372036854775808 n=2147483647}. */
    public static final int MINIMUM_BODY = ("t=" + Long.MIN_VALUE + " n=" + Integer.MAX_VALUE).length();
    private static final char PAD = '.';

    private final String tag;
    private final String tagDash;
    private final List<String> senders;
    private final byte[][] prefixes;

    /**
     * @param tag        this run's tag ({@link #newTag}): letters and digits only
     * @param senders    by publisher: the user name the server will put in {@code from}
     * @param recipients by publisher: the {@code to} address, {@code user:{name}} or {@code group:{id}}
     */
    public ImMessageFormat(String tag, List<String> senders, List<String> recipients) {
        if (!tag.matches("[A-Za-z0-9]{1,24}")) {
            throw new IllegalArgumentException("a tag is 1 to 24 letters or digits, not " + tag);
        }
        if (senders.size() != recipients.size()) {
            throw new IllegalArgumentException("one recipient per sender");
        }
        this.tag = tag;
        this.tagDash = tag + "-";
        this.senders = List.copyOf(senders);
        this.prefixes = new byte[recipients.size()][];
        for (int p = 0; p < recipients.size(); p++) {
            prefixes[p] = ("{\"to\":" + JsonLine.quote(recipients.get(p)) + ",\"kind\":\"text\",\"body\":\"")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A tag no other run shares: the run id and the start time. */
    public static String newTag(String runId) {
        return runId + Long.toString(System.currentTimeMillis(), 36);
    }

    public String tag() {
        return tag;
    }

    /** The body's size: the stamp text at its longest. */
    @Override
    public int minimumSize() {
        return MINIMUM_BODY;
    }

    /** The {@code im/send} request of the stamped message, with a body of {@code size} characters. */
    @Override
    public ByteBuf encode(ByteBufAllocator alloc, Stamp stamp, int size) {
        if (size < MINIMUM_BODY) {
            throw new IllegalArgumentException("a body needs at least " + MINIMUM_BODY + " characters, not " + size);
        }
        byte[] prefix = prefixes[stamp.stream()];
        StringBuilder body = new StringBuilder(size + 64)
                .append("t=").append(stamp.sentNanos()).append(" n=").append(stamp.seq());
        while (body.length() < size) {
            body.append(PAD);
        }
        body.append("\",\"clientMsgId\":\"").append(clientMsgId(stamp.stream(), stamp.seq())).append("\"}");
        ByteBuf payload = alloc.buffer(prefix.length + body.length());
        payload.writeBytes(prefix);
        ByteBufUtil.writeAscii(payload, body);
        return payload;
    }

    /** The stamp of a message event of this run, or null for anything else. Does not consume the buffer. */
    @Override
    public Stamp decode(ByteBuf payload) {
        ImEvent event = ImEvent.parse(payload);
        return event == null ? null : stamp(event);
    }

    /**
     * The stamp of a message event sent by this run: its {@code clientMsgId} carries the tag, a known stream and
     * a sequence number, {@code from} is that stream's sender, and the body holds the same number and a send time.
     * Null otherwise.
     */
    public Stamp stamp(ImEvent event) {
        if (!ImEvent.MESSAGE.equals(event.type()) || !isOurs(event.clientMsgId())
                || !(event.body() instanceof String body)) {
            return null;
        }
        String id = event.clientMsgId();
        int dash = id.indexOf('-', tagDash.length());
        if (dash < 0) {
            return null;
        }
        int stream = parseInt(id, tagDash.length(), dash);
        int seq = parseInt(id, dash + 1, id.length());
        if (stream < 0 || stream >= senders.size() || seq < 0 || !senders.get(stream).equals(event.from())) {
            return null;
        }
        int space = body.indexOf(' ');
        String number = " n=" + seq;
        int end = space + number.length();
        if (!body.startsWith("t=") || space < 0 || !body.startsWith(number, space)
                || (end < body.length() && body.charAt(end) != PAD)) {
            return null;
        }
        try {
            return new Stamp(stream, seq, Long.parseLong(body, 2, space, 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether a {@code clientMsgId} was given by this run. */
    public boolean isOurs(String clientMsgId) {
        return clientMsgId != null && clientMsgId.startsWith(tagDash);
    }

    /** The sequence number in a {@code clientMsgId} of this run, or -1. */
    public int seqOf(String clientMsgId) {
        if (!isOurs(clientMsgId)) {
            return -1;
        }
        int dash = clientMsgId.lastIndexOf('-');
        return dash < tagDash.length() ? -1 : parseInt(clientMsgId, dash + 1, clientMsgId.length());
    }

    String clientMsgId(int stream, int seq) {
        return tagDash + stream + "-" + seq;
    }

    /** A non-negative decimal int, or -1. */
    private static int parseInt(String text, int from, int to) {
        if (from >= to || to - from > 10) {
            return -1;
        }
        try {
            return Integer.parseInt(text, from, to, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
