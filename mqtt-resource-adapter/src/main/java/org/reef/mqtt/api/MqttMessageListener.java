package org.reef.mqtt.api;

/**
 * Message listener interface of the Reef MQTT resource adapter: an MDB that implements it and activates with a
 * {@code topicFilter} receives every PUBLISH whose topic matches that filter.
 *
 * <p>The adapter calls {@link #onMessage} inside the endpoint's transaction (container-managed, REQUIRED) and
 * acknowledges the PUBLISH to the client (PUBACK for QoS 1) only after the method returned and the transaction
 * committed. If the method throws, or the commit fails, the client gets no positive acknowledgement: MQTT 5 clients
 * receive an error reason code, MQTT 3.1.1 clients none (they retry on reconnect). A message the listener accepted is
 * therefore never acknowledged before it is durable.
 *
 * <p>Topics that no activation matches are routed by the adapter's own broker without entering the container.
 */
public interface MqttMessageListener {

    /**
     * Handles one inbound PUBLISH.
     *
     * @param message the publish, with its payload copied out of the network buffers
     * @return how to acknowledge it; {@code null} means {@link MqttAck#ACCEPTED}
     */
    MqttAck onMessage(MqttInboundMessage message);
}
