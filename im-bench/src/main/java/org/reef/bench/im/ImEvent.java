package org.reef.bench.im;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One event of a user's inbox ({@code im/inbox/{username}}, Reef IM protocol v1): the fields the benchmark reads.
 *
 * @param type         {@code message}, {@code ack}, {@code error}, or another the benchmark only counts
 * @param clientMsgId  the sender's id of the message (message, ack, error), else null
 * @param conversation {@code dm:{a}:{b}} or {@code group:{id}}, else null
 * @param seq          the message's place in its conversation, -1 when absent
 * @param from         the sender (message), else null
 * @param kind         the message's kind: {@code text}, {@code custom}, {@code system} (a group's changes), ...
 * @param body         the message body as JSON gave it: a String for text messages
 * @param code         the error code (error), e.g. {@code rate_limited}
 */
public record ImEvent(String type, String clientMsgId, String conversation, long seq, String from, String kind,
                      Object body, String code) {

    public static final String MESSAGE = "message";
    public static final String ACK = "ack";
    public static final String ERROR = "error";
    static final String SYSTEM = "system";

    /** Reads an event; null when the payload is not a JSON object with a string {@code type}. */
    public static ImEvent parse(ByteBuf payload) {
        return parse(payload.toString(StandardCharsets.UTF_8));
    }

    /** A message the server wrote itself: a group's creation, members added or removed, and so on. */
    public boolean isSystemMessage() {
        return MESSAGE.equals(type) && SYSTEM.equals(kind);
    }

    public static ImEvent parse(String json) {
        Map<String, Object> event;
        try {
            event = Json.object(json);
        } catch (IllegalArgumentException notJson) {
            return null;
        }
        String type = Json.string(event, "type");
        if (type == null) {
            return null;
        }
        return new ImEvent(type, Json.string(event, "clientMsgId"), Json.string(event, "conversation"),
                Json.integer(event, "seq", -1), Json.string(event, "from"), Json.string(event, "kind"),
                event.get("body"), Json.string(event, "code"));
    }
}
