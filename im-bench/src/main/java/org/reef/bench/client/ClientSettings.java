package org.reef.bench.client;

import io.netty.handler.codec.mqtt.MqttVersion;

import java.util.Objects;

/**
 * What one client puts in its CONNECT (MQTT 3.1.1 §3.1, MQTT 5 §3.1) and how much it keeps in flight. Immutable, so
 * one instance seeds thousands of clients through the {@code with} methods.
 *
 * @param clientId             the client identifier; unique per run unless a scenario needs a fixed one
 * @param cleanSession         MQTT 3.1.1 Clean Session, MQTT 5 Clean Start
 * @param keepAliveSeconds     0 turns keep-alive off (MQTT 3.1.1 §3.1.2.10)
 * @param username             null for none
 * @param password             null for none; MQTT 3.1.1 §3.1.2.9 allows it only with a user name
 * @param sessionExpirySeconds MQTT 5 only: with 0 the session ends at disconnect whatever Clean Start says, so a
 *                             persistent session needs a positive value (MQTT 5 §3.1.2.11.2)
 * @param maxInflight          QoS 1 publications awaiting PUBACK at most; MQTT 5 also caps it by the server's
 *                             Receive Maximum (MQTT 5 §4.9)
 * @param maxPacketBytes       the largest packet the decoder accepts from the server
 */
public record ClientSettings(String clientId, boolean cleanSession, int keepAliveSeconds, MqttVersion version,
                             String username, String password, long sessionExpirySeconds, int maxInflight,
                             int maxPacketBytes) {

    /** Publication packet ids stay below this; the ids above it are for SUBSCRIBE, so the two never collide. */
    public static final int MAX_INFLIGHT = 65_000;

    public ClientSettings {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(version, "version");
        if (version != MqttVersion.MQTT_3_1_1 && version != MqttVersion.MQTT_5) {
            throw new IllegalArgumentException("only MQTT 3.1.1 and 5 are supported, not " + version);
        }
        if (keepAliveSeconds < 0 || keepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("keep-alive must be 0..65535 s, not " + keepAliveSeconds);
        }
        if (maxInflight < 1 || maxInflight > MAX_INFLIGHT) {
            throw new IllegalArgumentException("in-flight window must be 1.." + MAX_INFLIGHT + ", not " + maxInflight);
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("a password needs a user name (MQTT 3.1.1 §3.1.2.9)");
        }
        if (sessionExpirySeconds < 0 || sessionExpirySeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("session expiry must fit in 32 bits, not " + sessionExpirySeconds);
        }
        if (maxPacketBytes < 64) {
            throw new IllegalArgumentException("max packet size too small: " + maxPacketBytes);
        }
    }

    /** Settings for one client id with everything else at the tool's defaults. */
    public static ClientSettings of(String clientId, MqttVersion version) {
        return new ClientSettings(clientId, true, 60, version, null, null, 0, 1, 8_192);
    }

    public ClientSettings withClientId(String id) {
        return new ClientSettings(id, cleanSession, keepAliveSeconds, version, username, password,
                sessionExpirySeconds, maxInflight, maxPacketBytes);
    }

    public ClientSettings withCleanSession(boolean clean, long expirySeconds) {
        return new ClientSettings(clientId, clean, keepAliveSeconds, version, username, password,
                expirySeconds, maxInflight, maxPacketBytes);
    }

    public ClientSettings withKeepAlive(int seconds) {
        return new ClientSettings(clientId, cleanSession, seconds, version, username, password,
                sessionExpirySeconds, maxInflight, maxPacketBytes);
    }

    public ClientSettings withCredentials(String user, String pass) {
        return new ClientSettings(clientId, cleanSession, keepAliveSeconds, version, user, pass,
                sessionExpirySeconds, maxInflight, maxPacketBytes);
    }

    public ClientSettings withMaxInflight(int inflight) {
        return new ClientSettings(clientId, cleanSession, keepAliveSeconds, version, username, password,
                sessionExpirySeconds, inflight, maxPacketBytes);
    }

    public ClientSettings withMaxPacketBytes(int bytes) {
        return new ClientSettings(clientId, cleanSession, keepAliveSeconds, version, username, password,
                sessionExpirySeconds, maxInflight, bytes);
    }

    public boolean isMqtt5() {
        return version == MqttVersion.MQTT_5;
    }

    /** Never shows the password: settings end up in error messages. */
    @Override
    public String toString() {
        return "ClientSettings[clientId=" + clientId + ", cleanSession=" + cleanSession + ", keepAlive="
                + keepAliveSeconds + "s, version=" + version + ", username=" + username + ", password="
                + (password == null ? "none" : "***") + ", sessionExpiry=" + sessionExpirySeconds + "s, maxInflight="
                + maxInflight + ", maxPacketBytes=" + maxPacketBytes + "]";
    }
}
