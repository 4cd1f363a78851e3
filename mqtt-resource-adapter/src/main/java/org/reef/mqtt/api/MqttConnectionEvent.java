package org.reef.mqtt.api;

/**
 * A client connected or disconnected.
 *
 * @param clientId      the client identifier
 * @param username      its authenticated user name, or null for an anonymous client
 * @param protocolLevel 3, 4 (MQTT 3.1.1) or 5
 * @param graceful      for a disconnect: whether the client sent DISCONNECT (false after a network failure,
 *                      keep-alive timeout, protocol error or takeover); always true for a connect
 * @param connectionId  identifies the network connection (as in its {@link MqttConnectRequest}): a disconnect of an
 *                      older connection of the same client id can arrive after the newer one connected
 * @param persistent    whether the client's session outlives the connection (MQTT 3.1.1 CleanSession = 0, MQTT 5
 *                      Session Expiry Interval above 0)
 * @param resumed       for a connect: whether an existing session was resumed (CONNACK session present)
 */
public record MqttConnectionEvent(String clientId, String username, int protocolLevel, boolean graceful,
                                  String connectionId, boolean persistent, boolean resumed) {
}
