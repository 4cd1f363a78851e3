package org.reef.mqtt.broker;

import java.net.SocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a CONNECT may open a session. Called on the connection's event loop; an implementation that needs
 * the container or a database must complete the stage from another thread instead of blocking.
 */
@FunctionalInterface
public interface Authenticator {

    CompletionStage<AuthResult> authenticate(AuthRequest request);

    /**
     * What a CONNECT presents.
     *
     * @param clientId      the client identifier (possibly assigned by the server)
     * @param username      the user name, or null when the client sent none
     * @param password      the password bytes, or null when the client sent none; never log them
     * @param remote        the client's address
     * @param protocolLevel 3, 4 (MQTT 3.1.1) or 5
     * @param connectionId  identifies this network connection among all of the server's
     */
    record AuthRequest(String clientId, String username, byte[] password, SocketAddress remote, int protocolLevel,
                       String connectionId) {

        @Override
        public String toString() {
            return "AuthRequest[" + clientId + ", " + username + ", " + remote + "]";
        }
    }

    /**
     * The outcome of authentication.
     *
     * @param accepted whether the connection may proceed
     * @param username the identity the session runs as (an authenticator may normalise it), or null for anonymous
     * @param refusal  why it was refused, when not accepted
     */
    record AuthResult(boolean accepted, String username, Refusal refusal, boolean administrator) {

        public AuthResult(boolean accepted, String username, Refusal refusal) {
            this(accepted, username, refusal, false);
        }

        public static AuthResult accept(String username) {
            return new AuthResult(true, username, null);
        }

        /** Accepted as an administrator, who may read {@code $SYS/}. */
        public static AuthResult acceptAdministrator(String username) {
            return new AuthResult(true, username, null, true);
        }

        public static AuthResult refuse(Refusal refusal) {
            return new AuthResult(false, null, refusal);
        }
    }

    /** Kinds of refusal, each with its CONNACK code in MQTT 3.1.1 and 5.0. */
    enum Refusal {
        /** 3.1.1 code 4, MQTT 5 reason 0x86. */
        BAD_CREDENTIALS,
        /** 3.1.1 code 5, MQTT 5 reason 0x87. */
        NOT_AUTHORIZED,
        /** 3.1.1 code 3, MQTT 5 reason 0x88. */
        UNAVAILABLE
    }
}
