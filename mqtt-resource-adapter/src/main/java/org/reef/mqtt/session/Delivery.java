package org.reef.mqtt.session;

import java.util.List;

/**
 * How one message goes to one subscriber: the QoS after downgrade, the RETAIN flag to send, and the Subscription
 * Identifiers of every subscription of that client that matched (MQTT 5.0 section 3.3.4).
 */
public record Delivery(PublishMessage message, int qos, boolean retain, List<Integer> subscriptionIds) {

    public Delivery {
        subscriptionIds = subscriptionIds == null ? List.of() : subscriptionIds;
    }
}
