package org.reef.web.dto;

import org.reef.im.domain.ChatMessage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A stored chat message as the API shows it.
 *
 * @param id         server id, increasing in arrival order
 * @param topic      the topic it was published to
 * @param clientId   the publishing client
 * @param payload    the body as UTF-8 text (invalid sequences replaced)
 * @param receivedAt when the server received it
 */
public record MessageView(long id, String topic, String clientId, String payload, Instant receivedAt) {

    public static MessageView of(ChatMessage message) {
        return new MessageView(message.getId(), message.getTopic(), message.getClientId(),
                new String(message.getPayload(), StandardCharsets.UTF_8), message.getReceivedAt());
    }
}
