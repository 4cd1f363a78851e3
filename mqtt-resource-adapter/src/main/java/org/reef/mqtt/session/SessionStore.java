package org.reef.mqtt.session;

import java.util.List;

/**
 * Where persistent sessions (MQTT 3.1.1 CleanSession = 0, MQTT 5 Session Expiry Interval &gt; 0) are kept so that
 * they survive a restart of the server (MQTT 3.1.1 section 3.1.2.4: the session state includes the subscriptions and
 * the QoS 1 and 2 messages not yet delivered). Calls come from the sessions' owner threads and must never block
 * them: an implementation records the change and writes it later, in the order of the calls.
 *
 * <p>What is kept: the session (client id, user, expiry), its subscriptions (connection-scoped ones excepted), and
 * the QoS 1/2 messages queued for it that no application tracks (tracked deliveries are the application's, which
 * delivers them again itself). A connected session's messages are written when it disconnects and at shutdown; while
 * it is offline, every new one is appended.
 */
public interface SessionStore {

    /** Keeps nothing: sessions live as long as the process. */
    SessionStore NONE = new SessionStore() {
    };

    /**
     * A persistent session is (again) connected: keep its row; its messages are in memory now, so drop stored ones.
     *
     * @param expiresAtMillis when it ends if nothing else happens (epoch millis), or -1 for never
     */
    default void connected(String clientId, String username, long expirySeconds, long expiresAtMillis,
                           List<Subscription> subscriptions) {
    }

    /** A persistent session lost its connection: its whole state as it is now. */
    default void disconnected(String clientId, String username, long expirySeconds, long expiresAtMillis,
                              List<Subscription> subscriptions, List<Delivery> queued) {
    }

    /** A message queued for an offline persistent session, numbered after the ones stored already. */
    default void queued(String clientId, long sequence, Delivery delivery) {
    }

    default void subscribed(Subscription subscription) {
    }

    default void unsubscribed(String clientId, String filter) {
    }

    /** The session ended (expired, clean start, or made non-persistent): forget everything of it. */
    default void ended(String clientId) {
    }

    /** The sessions to restore at start, expired ones left out. */
    default List<StoredSession> load() {
        return List.of();
    }
}
