package org.reef.mqtt.session;

import java.util.List;

/**
 * A persistent session as read back from a {@link SessionStore} at start.
 *
 * @param expiresAtMillis when it ends unless its client comes back (epoch millis), or -1 for never
 * @param queued          its messages in delivery order
 */
public record StoredSession(String clientId, String username, long expirySeconds, long expiresAtMillis,
                            List<Subscription> subscriptions, List<Delivery> queued) {

    public StoredSession {
        subscriptions = List.copyOf(subscriptions);
        queued = List.copyOf(queued);
    }
}
