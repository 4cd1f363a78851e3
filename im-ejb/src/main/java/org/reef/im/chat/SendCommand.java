package org.reef.im.chat;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.reef.im.delivery.Events;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a client asks to send (Reef IM protocol v1, {@code im/send} or {@code POST /conversations/{id}/messages}):
 * {@code {"to":"user:bob","kind":"text","body":"hi","clientMsgId":"..."}}.
 *
 * @param to          the recipient address ({@code user:{username}}), or null when the conversation is given
 * @param kind        {@code text}, {@code custom} or {@code typing}
 * @param body        the body as JSON text: a JSON string for text, any JSON value for custom
 * @param clientMsgId the client's unique id of this message (retries reuse it)
 */
public record SendCommand(String to, String kind, String body, String clientMsgId) {

    public static final int MAX_CLIENT_MSG_ID = 64;

    /**
     * Parses and validates a send request.
     *
     * @param requireTo    whether {@code to} must be present (MQTT) or must not matter (HTTP, the path names it)
     * @param maxBodyBytes largest body, in bytes of its JSON text
     */
    public static SendCommand parse(byte[] json, boolean requireTo, int maxBodyBytes) {
        JsonObject object;
        try (JsonReader reader = Events.JSON.createReader(new ByteArrayInputStream(json))) {
            object = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new ImException(ImError.INVALID, "the message is not a JSON object");
        }
        String to = optionalString(object, "to");
        String kind = optionalString(object, "kind");
        String clientMsgId = optionalString(object, "clientMsgId");
        JsonValue body = object.get("body");
        if (requireTo && (to == null || to.isBlank())) {
            throw new ImException(ImError.INVALID, "to is required");
        }
        if (kind == null) {
            throw new ImException(ImError.INVALID, "kind is required: text, custom or typing");
        }
        switch (kind) {
            case "text" -> {
                if (!(body instanceof JsonString text) || text.getString().isEmpty()) {
                    throw new ImException(ImError.INVALID, "a text message needs a non-empty string body");
                }
            }
            case "custom" -> {
                if (body == null) {
                    throw new ImException(ImError.INVALID, "a custom message needs a body");
                }
            }
            case "typing" -> body = body == null ? JsonValue.NULL : body;
            default -> throw new ImException(ImError.INVALID, "unknown kind " + kind + ": text, custom or typing");
        }
        if (!kind.equals("typing") && (clientMsgId == null || clientMsgId.isEmpty()
                || clientMsgId.length() > MAX_CLIENT_MSG_ID)) {
            throw new ImException(ImError.INVALID, "clientMsgId is required (1 to " + MAX_CLIENT_MSG_ID + " characters)");
        }
        if (clientMsgId != null && clientMsgId.chars().anyMatch(Character::isISOControl)) {
            // stored and echoed as is: a NUL would fail in the database instead of being refused here
            throw new ImException(ImError.INVALID, "clientMsgId must not contain control characters");
        }
        String bodyJson = body.toString();
        if (bodyJson.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
            throw new ImException(ImError.TOO_LARGE, "the body is larger than " + maxBodyBytes + " bytes");
        }
        return new SendCommand(to, kind, bodyJson, clientMsgId);
    }

    private static String optionalString(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new ImException(ImError.INVALID, name + " must be a string");
        }
        return string.getString();
    }

    public boolean isTyping() {
        return kind.equals("typing");
    }
}
