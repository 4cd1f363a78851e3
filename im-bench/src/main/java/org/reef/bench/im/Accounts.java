package org.reef.bench.im;

import java.util.Map;

/**
 * The users a run signs in as, ready: each with a token for its MQTT connections (and HTTP calls).
 *
 * @param tokens     by user name, in the order asked for
 * @param registered users this run created
 * @param existing   users that were there already (an earlier run's, same prefix): only logged in
 * @param seconds    how long registering and logging in took: setup, not measurement
 */
public record Accounts(Map<String, String> tokens, int registered, int existing, double seconds) {

    public Accounts {
        tokens = Map.copyOf(tokens);
    }

    public String token(String username) {
        String token = tokens.get(username);
        if (token == null) {
            throw new IllegalArgumentException("no account " + username);
        }
        return token;
    }

    /** Never shows a token. */
    @Override
    public String toString() {
        return "Accounts[" + tokens.size() + " users, " + registered + " registered, " + existing + " existing]";
    }
}
