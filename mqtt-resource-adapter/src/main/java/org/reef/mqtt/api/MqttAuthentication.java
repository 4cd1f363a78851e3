package org.reef.mqtt.api;

/**
 * The verdict of {@link MqttConnectionListener#authenticate}.
 *
 * @param outcome       accepted, or the kind of refusal
 * @param username      the identity the session runs as when accepted (the listener may normalise the name)
 * @param administrator whether that identity administers the server: it may then read the broker's own
 *                      {@code $SYS/} topics (for the whole connection)
 */
public record MqttAuthentication(Outcome outcome, String username, boolean administrator) {

    public MqttAuthentication(Outcome outcome, String username) {
        this(outcome, username, false);
    }

    /** Accepted, or why not; each refusal has a CONNACK code in MQTT 3.1.1 and 5. */
    public enum Outcome {
        ACCEPTED,
        /** 3.1.1 code 4, MQTT 5 reason 0x86. */
        BAD_CREDENTIALS,
        /** 3.1.1 code 5, MQTT 5 reason 0x87. */
        NOT_AUTHORIZED,
        /** 3.1.1 code 3, MQTT 5 reason 0x88. */
        UNAVAILABLE
    }

    public static MqttAuthentication accepted(String username) {
        return new MqttAuthentication(Outcome.ACCEPTED, username);
    }

    /** Accepted as an administrator of the server (see {@link #administrator()}). */
    public static MqttAuthentication acceptedAdministrator(String username) {
        return new MqttAuthentication(Outcome.ACCEPTED, username, true);
    }

    public static MqttAuthentication refused(Outcome why) {
        if (why == Outcome.ACCEPTED) {
            throw new IllegalArgumentException("a refusal needs a reason");
        }
        return new MqttAuthentication(why, null);
    }

    public boolean isAccepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
