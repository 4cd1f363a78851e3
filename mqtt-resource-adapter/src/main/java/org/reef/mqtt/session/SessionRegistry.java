package org.reef.mqtt.session;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The sessions of connected clients, by client identifier. A client identifier has at most one session: a new
 * connection with the same identifier takes it over (MQTT 3.1.1 section 3.1.4, step 2).
 */
public final class SessionRegistry {

    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

    /** Registers a session and returns the one it replaces, which the caller must disconnect. */
    public Session register(Session session) {
        return sessions.put(session.clientId(), session);
    }

    /** Removes the session if it is still the registered one for its client id. */
    public boolean remove(Session session) {
        return sessions.remove(session.clientId(), session);
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public int size() {
        return sessions.size();
    }

    public Collection<Session> all() {
        return Collections.unmodifiableCollection(sessions.values());
    }
}
