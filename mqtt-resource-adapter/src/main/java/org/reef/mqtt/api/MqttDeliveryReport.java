package org.reef.mqtt.api;

/**
 * Tracked deliveries a client acknowledged, for {@link MqttConnectionListener#delivered}.
 *
 * @param clientId    the client that acknowledged them
 * @param trackingIds their tracking ids, in the order the client acknowledged them
 */
public record MqttDeliveryReport(String clientId, long[] trackingIds) {
}
