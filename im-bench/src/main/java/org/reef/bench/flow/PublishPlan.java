package org.reef.bench.flow;

import io.netty.handler.codec.mqtt.MqttQoS;
import org.reef.bench.measure.RatePacer;

/**
 * What one publisher sends: to which topic, how big, how fast, until when.
 *
 * @param stream      the publisher's stream id in the payload
 * @param pacer       null for flat out (bounded by the in-flight window and socket writability)
 * @param originNanos when message 0 is due; the schedule of a paced publisher counts from here
 * @param stopNanos   no message is stamped at or after this
 * @param maxMessages no more than this many messages
 */
public record PublishPlan(String topic, int stream, MqttQoS qos, int size, PayloadFormat format, RatePacer pacer,
                          long originNanos, long stopNanos, int maxMessages) {
}
