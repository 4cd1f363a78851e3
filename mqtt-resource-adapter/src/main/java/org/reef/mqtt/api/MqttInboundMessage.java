package org.reef.mqtt.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One PUBLISH received from a client, as handed to a {@link MqttMessageListener}.
 *
 * @param clientId   the MQTT client identifier of the publishing connection
 * @param username   the authenticated user name, or {@code null} for an anonymous client
 * @param topic      the topic name (never a filter)
 * @param payload    the application message; the array belongs to the receiver
 * @param qos        0, 1 or 2
 * @param retain     the RETAIN flag as sent
 * @param receivedAt when the adapter decoded the packet
 */
public record MqttInboundMessage(String clientId, String username, String topic, byte[] payload, int qos,
                                 boolean retain, Instant receivedAt) {

    public MqttInboundMessage {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
    }
}
