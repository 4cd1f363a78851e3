package org.reef.mqtt.api;

/**
 * How the adapter acknowledges an inbound PUBLISH after a listener handled it, or answers a subscription that
 * {@link MqttConnectionListener#authorizeSubscription} decided on.
 *
 * <p>{@code reasonCode} is an MQTT 5 PUBACK/PUBREC reason code (MQTT 5.0 section 3.4.2.1): below {@code 0x80} means
 * success, {@code 0x80} and above means the message was refused. MQTT 3.1.1 has no negative acknowledgement, so a
 * refusal is acknowledged positively there (the client must not retry what the server refused for good); the
 * listener tells such clients why by other means (for Reef IM, an error event on the user's inbox).
 *
 * <p>An accepted subscription may carry conditions ({@link #acceptedForConnection}): it lasts only as long as the
 * network connection that made it, and at most {@code maxSubscribers} sessions may hold its filter at once. The
 * conditions only apply to subscriptions; an inbound PUBLISH ignores them.
 *
 * @param reasonCode       MQTT 5 reason code, 0x00 to 0xFF
 * @param reasonString     human-readable reason for MQTT 5 clients, or {@code null}
 * @param connectionScoped for an accepted subscription: it is removed when the connection ends (as if the client had
 *                         unsubscribed), is never kept in a persistent session and never restored when the session
 *                         resumes
 * @param maxSubscribers   for an accepted subscription: how many sessions may hold a subscription to exactly this
 *                         filter at the same time; beyond it the SUBACK says 0x97 Quota exceeded (MQTT 3.1.1: 0x80)
 *                         and nothing is subscribed. 0 (also what a negative value becomes) means no limit
 */
public record MqttAck(int reasonCode, String reasonString, boolean connectionScoped, int maxSubscribers) {

    /** Accepted (0x00 Success). */
    public static final MqttAck ACCEPTED = new MqttAck(0x00, null);

    public MqttAck {
        if (reasonCode < 0 || reasonCode > 0xFF) {
            throw new IllegalArgumentException("reason code out of range: " + reasonCode);
        }
        maxSubscribers = Math.max(0, maxSubscribers);
        if (reasonCode >= 0x80 && (connectionScoped || maxSubscribers > 0)) {
            throw new IllegalArgumentException("a refusal carries no subscription conditions");
        }
    }

    /** An acknowledgement without subscription conditions. */
    public MqttAck(int reasonCode, String reasonString) {
        this(reasonCode, reasonString, false, 0);
    }

    /** A refusal with the given MQTT 5 reason code (0x80 or above) and reason string. */
    public static MqttAck refused(int reasonCode, String reasonString) {
        if (reasonCode < 0x80) {
            throw new IllegalArgumentException("a refusal needs a reason code of 0x80 or above: " + reasonCode);
        }
        return new MqttAck(reasonCode, reasonString);
    }

    /**
     * Accepts a subscription for the current network connection only, and for at most {@code maxSubscribers}
     * sessions at once (for example the members present in a chat room). The limit is checked atomically when the
     * subscription is made, so concurrent subscribers never exceed it; a session that subscribes again to a filter it
     * already holds keeps its place. A place is freed by UNSUBSCRIBE, by the end of the connection, and when another
     * connection takes the session over.
     *
     * @param maxSubscribers most sessions holding this exact filter at once; 0 or negative for no limit
     */
    public static MqttAck acceptedForConnection(int maxSubscribers) {
        return new MqttAck(0x00, null, true, maxSubscribers);
    }

    public boolean accepted() {
        return reasonCode < 0x80;
    }
}
