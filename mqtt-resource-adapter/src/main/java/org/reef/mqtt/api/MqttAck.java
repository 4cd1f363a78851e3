package org.reef.mqtt.api;

/**
 * How the adapter acknowledges an inbound PUBLISH after a listener handled it.
 *
 * <p>{@code reasonCode} is an MQTT 5 PUBACK/PUBREC reason code (MQTT 5.0 section 3.4.2.1): below {@code 0x80} means
 * success, {@code 0x80} and above means the message was refused. MQTT 3.1.1 has no negative acknowledgement, so a
 * refusal is acknowledged positively there (the client must not retry what the server refused for good); the
 * listener tells such clients why by other means (for Reef IM, an error event on the user's inbox).
 *
 * @param reasonCode   MQTT 5 reason code, 0x00 to 0xFF
 * @param reasonString human-readable reason for MQTT 5 clients, or {@code null}
 */
public record MqttAck(int reasonCode, String reasonString) {

    /** Accepted (0x00 Success). */
    public static final MqttAck ACCEPTED = new MqttAck(0x00, null);

    public MqttAck {
        if (reasonCode < 0 || reasonCode > 0xFF) {
            throw new IllegalArgumentException("reason code out of range: " + reasonCode);
        }
    }

    /** A refusal with the given MQTT 5 reason code (0x80 or above) and reason string. */
    public static MqttAck refused(int reasonCode, String reasonString) {
        if (reasonCode < 0x80) {
            throw new IllegalArgumentException("a refusal needs a reason code of 0x80 or above: " + reasonCode);
        }
        return new MqttAck(reasonCode, reasonString);
    }

    public boolean accepted() {
        return reasonCode < 0x80;
    }
}
