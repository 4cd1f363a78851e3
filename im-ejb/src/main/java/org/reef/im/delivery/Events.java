package org.reef.im.delivery;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import org.reef.im.domain.Message;

import java.io.StringReader;
import java.time.Instant;
import java.nio.charset.StandardCharsets;

/** The JSON events of Reef IM protocol v1 that arrive on a user's inbox (docs/protocol.md). */
public final class Events {

    public static final String INBOX = "im/inbox/";

    /**
     * The JSON provider, looked up once: {@code JSON.createObjectBuilder()} and friends look it up on every call
     * (a ServiceLoader scan of the deployment), which costs more than building the event.
     */
    public static final JsonProvider JSON = JsonProvider.provider();

    private Events() {
    }

    /** {@code {"type":"message","id","conversation","seq","from","to","kind","body","clientMsgId","sentAt"}}. */
    public static JsonObject message(Message message) {
        return messageFields(message).build();
    }

    /** A builder of the message event, for callers that add to it. */
    public static JsonObjectBuilder messageFields(Message message) {
        JsonObjectBuilder builder = JSON.createObjectBuilder()
                .add("type", "message")
                .add("id", message.getId())
                .add("conversation", message.getConversationId())
                .add("seq", message.getSeq())
                .add("from", message.getSender())
                .add("to", message.getRecipient())
                .add("kind", message.getKind())
                .add("body", parse(message.getBody()))
                .add("clientMsgId", message.getClientMsgId())
                .add("sentAt", message.getSentAt().toString());
        if (message.isDeleted()) {
            builder.add("deletedAt", message.getDeletedAt().toString());
        }
        return builder;
    }

    /** {@code {"type":"message_deleted","conversation","seq","id"}}: the message became a tombstone. */
    public static JsonObject deleted(Message message) {
        return JSON.createObjectBuilder()
                .add("type", "message_deleted")
                .add("conversation", message.getConversationId())
                .add("seq", message.getSeq())
                .add("id", message.getId())
                .build();
    }

    /**
     * {@code {"type":"message_too_large","conversation","seq","id"}}: in place of a message event larger than the
     * device accepts (its MQTT 5 Maximum Packet Size); the device reads the message from the history instead.
     */
    public static JsonObject tooLarge(Message message) {
        return JSON.createObjectBuilder()
                .add("type", "message_too_large")
                .add("conversation", message.getConversationId())
                .add("seq", message.getSeq())
                .add("id", message.getId())
                .build();
    }

    /** {@code {"type":"ack","clientMsgId","id","conversation","seq"}}. */
    public static JsonObject ack(Message message) {
        return JSON.createObjectBuilder()
                .add("type", "ack")
                .add("clientMsgId", message.getClientMsgId())
                .add("id", message.getId())
                .add("conversation", message.getConversationId())
                .add("seq", message.getSeq())
                .build();
    }

    /** {@code {"type":"error","clientMsgId","code","message"}}. */
    public static JsonObject error(String clientMsgId, String code, String text) {
        JsonObjectBuilder builder = JSON.createObjectBuilder().add("type", "error");
        if (clientMsgId != null) {
            builder.add("clientMsgId", clientMsgId);
        }
        return builder.add("code", code).add("message", text).build();
    }

    /** {@code {"type":"receipt","conversation","by","kind","seq"}}. */
    public static JsonObject receipt(String conversation, String by, String kind, long seq) {
        return JSON.createObjectBuilder().add("type", "receipt").add("conversation", conversation).add("by", by)
                .add("kind", kind).add("seq", seq).build();
    }

    /** {@code {"type":"typing","conversation","from"}}: not stored, online devices only. */
    public static JsonObject typing(String conversation, String from, String body) {
        return JSON.createObjectBuilder().add("type", "typing").add("conversation", conversation).add("from", from)
                .add("body", parse(body)).build();
    }

    /**
     * A message of a room, stamped by the server and never stored: {@code {"type":"message","id","conversation",
     * "from","to","kind","body","clientMsgId","sentAt"}} without {@code seq}.
     */
    public static JsonObject roomMessage(String id, String room, String from, String kind, String body,
                                         String clientMsgId, Instant sentAt) {
        return JSON.createObjectBuilder()
                .add("type", "message")
                .add("id", id)
                .add("conversation", room)
                .add("from", from)
                .add("to", room)
                .add("kind", kind)
                .add("body", parse(body))
                .add("clientMsgId", clientMsgId)
                .add("sentAt", sentAt.toString())
                .build();
    }

    /** {@code {"type":"room_deleted","room"}}: published to a room's subscribers when it is deleted. */
    public static JsonObject roomDeleted(String name) {
        return JSON.createObjectBuilder().add("type", "room_deleted").add("room", name).build();
    }

    public static byte[] bytes(JsonObject event) {
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonValue parse(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}
