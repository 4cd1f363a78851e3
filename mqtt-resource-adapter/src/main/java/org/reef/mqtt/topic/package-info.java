/**
 * Topic names, topic filters and the subscription tree that routes a PUBLISH to its subscribers.
 *
 * <p>Rules come from MQTT 3.1.1 section 4.7 (topic names and filters, wildcards, topics beginning with
 * {@code $}) and MQTT 5.0 sections 4.7 and 4.8.2 (the same rules plus shared subscriptions,
 * {@code $share/{ShareName}/{filter}}). The package uses the plain JDK only, so it can be tested and reused
 * without Netty or the JCA container; the protocol layer translates a {@link org.reef.mqtt.topic.TopicException}
 * into the reason code of the packet at hand (MQTT 5.0: 0x8F Topic Filter invalid, 0x90 Topic Name invalid).
 */
package org.reef.mqtt.topic;
