package org.reef.mqtt.api;

/**
 * Tracked deliveries that were settled, for {@link MqttConnectionListener#delivered}.
 *
 * @param clientId    the client
 * @param username    the user whose session made the deliveries (null for an anonymous one): a client id may change
 *                    hands, and a late report must not be taken for its new owner's
 * @param trackingIds  deliveries the client acknowledged, in order
 * @param droppedIds   deliveries the adapter dropped because the client's queue was full: the application may send
 *                     them again
 * @param oversizedIds deliveries never sent because they exceed the client's Maximum Packet Size (MQTT 5.0 section
 *                     3.1.2.11.4 discards them as if delivered): sending them again is pointless, something smaller
 *                     in their place is not
 */
public record MqttDeliveryReport(String clientId, String username, long[] trackingIds, long[] droppedIds,
                                 long[] oversizedIds) {
}
