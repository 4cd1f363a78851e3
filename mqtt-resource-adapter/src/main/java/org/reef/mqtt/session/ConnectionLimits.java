package org.reef.mqtt.session;

/**
 * What the client of the current connection accepts (MQTT 5.0 section 3.1.2.11), as negotiated at CONNECT.
 *
 * @param protocolLevel     3, 4 or 5
 * @param receiveMaximum    QoS 1/2 messages the client accepts unacknowledged (already capped by the server's)
 * @param maximumPacketSize largest packet the client accepts
 * @param topicAliasMaximum highest Topic Alias the server may use towards the client (0: none)
 */
public record ConnectionLimits(int protocolLevel, int receiveMaximum, long maximumPacketSize, int topicAliasMaximum) {

    public boolean isV5() {
        return protocolLevel == 5;
    }
}
