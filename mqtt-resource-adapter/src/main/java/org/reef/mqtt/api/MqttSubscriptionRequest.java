package org.reef.mqtt.api;

/**
 * One filter of a SUBSCRIBE, for {@link MqttConnectionListener#authorizeSubscription}.
 *
 * @param clientId    the subscribing client
 * @param username    its authenticated user name, or null for an anonymous client
 * @param topicFilter the filter as requested (a shared subscription keeps its {@code $share/group/} prefix)
 * @param qos         the requested maximum QoS
 * @param persistent  whether the client's session outlives its connection
 * @param resumed     whether this connection resumed an existing session (CONNACK session present)
 * @param connectionId the network connection (as in {@link MqttConnectionEvent})
 */
public record MqttSubscriptionRequest(String clientId, String username, String topicFilter, int qos,
                                      boolean persistent, boolean resumed, String connectionId) {
}
