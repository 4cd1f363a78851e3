package org.reef.mqtt.session;

import java.util.Objects;

/**
 * An application message on its way through the broker: immutable, with the payload copied out of the network
 * buffer once, so that fanning it out to many subscribers shares one array.
 *
 * @param topic          topic name
 * @param payload        message body (never modified after construction)
 * @param qos            QoS the message was published with
 * @param retain         RETAIN flag as published
 * @param publisherId    client id of the publisher, or {@code null} when published by the server
 * @param properties     MQTT 5 properties passed through to subscribers
 * @param expiresAtNanos {@link System#nanoTime()} after which the message must not be delivered (MQTT 5 Message
 *                       Expiry Interval), or {@link #NEVER}
 */
public record PublishMessage(String topic, byte[] payload, int qos, boolean retain, String publisherId,
                             MessageProperties properties, long expiresAtNanos) {

    /** Marks a message without expiry. */
    public static final long NEVER = Long.MAX_VALUE;

    public PublishMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
    }

    /** A message without properties or expiry. */
    public PublishMessage(String topic, byte[] payload, int qos, boolean retain, String publisherId) {
        this(topic, payload, qos, retain, publisherId, MessageProperties.NONE, NEVER);
    }

    /** A message whose expiry interval (seconds) starts now; 0 or negative means none. */
    public static long expiryFromNow(long intervalSeconds) {
        return intervalSeconds <= 0 ? NEVER : System.nanoTime() + intervalSeconds * 1_000_000_000L;
    }

    public boolean isExpired(long nowNanos) {
        return expiresAtNanos != NEVER && nowNanos - expiresAtNanos >= 0;
    }

    /** Seconds left before expiry, rounded up (MQTT 5.0 section 3.3.2.3.3), or -1 if it never expires. */
    public long remainingExpirySeconds(long nowNanos) {
        if (expiresAtNanos == NEVER) {
            return -1;
        }
        long left = expiresAtNanos - nowNanos;
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    /** The same message with another RETAIN flag (Retain As Published, retained delivery). */
    public PublishMessage withRetain(boolean newRetain) {
        return newRetain == retain ? this
                : new PublishMessage(topic, payload, qos, newRetain, publisherId, properties, expiresAtNanos);
    }
}
