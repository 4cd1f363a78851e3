package org.reef.mqtt.protocol;

/**
 * Counts the packets the MQTT decoder produced on one connection, so that {@link MqttFrameDecoder} can tell a frame
 * the decoder swallowed without producing a packet (its inner lengths ran past its end).
 */
public final class PacketCounter {

    private long decoded;

    void decoded() {
        decoded++;
    }

    long count() {
        return decoded;
    }
}
