package org.reef.mqtt.session;

import java.util.Objects;

/**
 * An application message on its way through the broker: immutable, with the payload copied out of the network
 * buffer once, so that fanning it out to many subscribers shares one array.
 *
 * @param topic       topic name
 * @param payload     message body (never modified after construction)
 * @param qos         QoS the message was published with
 * @param retain      RETAIN flag as published
 * @param publisherId client id of the publisher, or {@code null} when published by the server
 */
public record PublishMessage(String topic, byte[] payload, int qos, boolean retain, String publisherId) {

    public PublishMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
    }
}
