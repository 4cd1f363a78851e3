package org.reef.mqtt.protocol;

import org.reef.mqtt.session.PublishMessage;

/**
 * A connection's will (MQTT 3.1.1 section 3.1.2.5): published when the connection ends without DISCONNECT, after
 * the MQTT 5 Will Delay Interval unless the client reconnects first.
 *
 * @param message      the message to publish
 * @param delaySeconds MQTT 5 Will Delay Interval, 0 for none
 */
record WillMessage(PublishMessage message, long delaySeconds) {
}
