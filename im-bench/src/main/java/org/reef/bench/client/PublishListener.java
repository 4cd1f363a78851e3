package org.reef.bench.client;

/**
 * Learns how each publication ended: QoS 0 once it is written to the socket, QoS 1 once its PUBACK arrives
 * (MQTT 3.1.1 §4.3.2), or as failed when the write fails, the server answers an MQTT 5 PUBACK with a reason code
 * of 0x80 or above, or the connection closes first.
 *
 * <p>One listener serves every publication of a publisher: the token it passed to
 * {@link MqttClient#publish} comes back, so nothing is allocated per message to remember which one it was.
 * Called on the client's event loop.
 */
@FunctionalInterface
public interface PublishListener {

    void published(long token, boolean success);
}
