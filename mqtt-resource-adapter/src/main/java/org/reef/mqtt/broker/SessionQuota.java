package org.reef.mqtt.broker;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The persistent sessions each user holds, by client id, against a per-user bound (security review F4): a user
 * cannot make the server keep any number of offline sessions with full queues. A client id counts from the CONNECT
 * that asked for a persistent session until its session ends. Thread-safe.
 */
public final class SessionQuota {

    /** The outcome of {@link #reserve}. */
    public enum Reservation {
        /** The client id holds a place now, which the caller must give back if the session does not open. */
        NEW,
        /** The client id held a place already. */
        HELD,
        /** The user holds the maximum already. */
        REFUSED
    }

    private final int maxPerUser;
    private final Map<String, Set<String>> byUser = new HashMap<>();

    public SessionQuota(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }

    /** Takes a place for a persistent session of {@code clientId}, unless the user holds the maximum. */
    public synchronized Reservation reserve(String username, String clientId) {
        Set<String> held = byUser.computeIfAbsent(username, u -> new HashSet<>(2));
        if (held.contains(clientId)) {
            return Reservation.HELD;
        }
        if (held.size() >= maxPerUser) {
            if (held.isEmpty()) {
                byUser.remove(username);
            }
            return Reservation.REFUSED;
        }
        held.add(clientId);
        return Reservation.NEW;
    }

    /** Gives the place of a client id back (its session ended, or never opened). */
    public synchronized void release(String username, String clientId) {
        if (username == null) {
            return;
        }
        Set<String> held = byUser.get(username);
        if (held != null && held.remove(clientId) && held.isEmpty()) {
            byUser.remove(username);
        }
    }

    /** Persistent sessions the user holds. */
    public synchronized int of(String username) {
        Set<String> held = byUser.get(username);
        return held == null ? 0 : held.size();
    }
}
