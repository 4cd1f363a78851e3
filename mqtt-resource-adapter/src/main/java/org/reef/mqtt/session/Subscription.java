package org.reef.mqtt.session;

/**
 * One client's subscription to one topic filter.
 *
 * @param clientId the subscribing client
 * @param filter   the topic filter as subscribed (a shared one keeps its {@code $share/group/} prefix)
 * @param options  QoS and MQTT 5 options
 */
public record Subscription(String clientId, String filter, SubscriptionOptions options) {

    public int qos() {
        return options.qos();
    }
}
