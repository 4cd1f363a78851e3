package org.reef.im.account;

import org.reef.mqtt.api.MqttAck;

/**
 * Who may subscribe to what under {@code im/} (Reef IM protocol v1): a user to their own inbox, any authenticated
 * user to the presence of one user by name (blocks are checked by {@link org.reef.im.presence.PresenceAccess});
 * nothing else of the namespace, and nothing at all for anonymous clients. A filter that merely
 * reaches into {@code im/} (such as {@code #}) is refused too, since it would receive other users' messages.
 */
public final class SubscriptionPolicy {

    private static final String PRESENCE = "im/presence/";

    /** MQTT 5 reason code 0x87 Not authorized. */
    public static final MqttAck NOT_AUTHORIZED = MqttAck.refused(0x87, "not authorized");

    private SubscriptionPolicy() {
    }

    public static MqttAck decide(String username, String filter) {
        if (username == null) {
            return MqttAck.refused(0x87, "sign in to use im/ topics");
        }
        if (filter.equals("im/inbox/" + username)) {
            return MqttAck.ACCEPTED;
        }
        if (filter.startsWith(PRESENCE) && AccountService.USERNAME.matcher(filter.substring(PRESENCE.length()))
                .matches()) {
            return MqttAck.ACCEPTED; // one user by name: no wildcard, so presence cannot list the users
        }
        return NOT_AUTHORIZED;
    }
}
