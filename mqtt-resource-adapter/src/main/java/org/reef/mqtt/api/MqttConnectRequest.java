package org.reef.mqtt.api;

/**
 * The credentials and identity of a CONNECT, for {@link MqttConnectionListener#authenticate}.
 *
 * @param clientId      the client identifier (server-assigned if the client sent none)
 * @param username      the user name as sent
 * @param password      the password bytes, or null; never log them
 * @param remoteAddress the client's address, for logs and rate limits
 * @param protocolLevel 3, 4 (MQTT 3.1.1) or 5
 * @param connectionId  identifies this network connection (the same in its {@link MqttConnectionEvent}s), so that
 *                      an application can tell a client's successive connections apart
 */
public record MqttConnectRequest(String clientId, String username, byte[] password, String remoteAddress,
                                 int protocolLevel, String connectionId) {

    @Override
    public String toString() {
        return "MqttConnectRequest[clientId=" + clientId + ", username=" + username + ", remote=" + remoteAddress
                + ", level=" + protocolLevel + "]";
    }
}
