package org.reef.mqtt.session;

/**
 * One client's subscription to one topic filter.
 *
 * @param clientId the subscribing client
 * @param filter   the topic filter as subscribed
 * @param qos      the maximum QoS granted (MQTT 3.1.1 section 3.8.4: deliveries are downgraded to it)
 */
public record Subscription(String clientId, String filter, int qos) {
}
