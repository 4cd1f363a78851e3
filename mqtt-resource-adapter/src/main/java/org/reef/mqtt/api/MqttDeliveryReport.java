package org.reef.mqtt.api;

/**
 * Tracked deliveries that were settled, for {@link MqttConnectionListener#delivered}.
 *
 * @param clientId    the client
 * @param username    the user whose session made the deliveries (null for an anonymous one): a client id may change
 *                    hands, and a late report must not be taken for its new owner's
 * @param trackingIds deliveries the client acknowledged (or that could never reach it, such as a message above its
 *                    Maximum Packet Size, which MQTT 5 treats as delivered), in order
 * @param droppedIds  deliveries the adapter dropped because the client's queue was full: the application may send
 *                    them again
 */
public record MqttDeliveryReport(String clientId, String username, long[] trackingIds, long[] droppedIds) {
}
