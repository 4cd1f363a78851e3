package org.reef.mqtt.session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The sessions by client identifier, connected or not. A client identifier has at most one session (MQTT 3.1.1
 * section 3.1.4): a new connection finds the existing one here and takes it over or resumes it.
 */
public final class SessionRegistry {

    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

    /** Adds the session unless one exists for its client id; returns the existing one, or null if added. */
    public Session putIfAbsent(Session session) {
        return sessions.putIfAbsent(session.clientId(), session);
    }

    /** Removes the session if it is still the registered one for its client id. */
    public boolean remove(Session session) {
        return sessions.remove(session.clientId(), session);
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    /** Runs the action for every session, as found at the moment (any thread). */
    public void forEach(java.util.function.Consumer<Session> action) {
        sessions.values().forEach(action);
    }

    public int size() {
        return sessions.size();
    }
}
