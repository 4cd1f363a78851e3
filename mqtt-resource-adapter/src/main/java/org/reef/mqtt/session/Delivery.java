package org.reef.mqtt.session;

import java.util.List;

/**
 * How one message goes to one subscriber: the QoS after downgrade, the RETAIN flag to send, and the Subscription
 * Identifiers of every subscription of that client that matched (MQTT 5.0 section 3.3.4).
 *
 * @param trackingId an application's id for this delivery, reported back once the client acknowledged it
 *                   ({@link #UNTRACKED} for none)
 */
public record Delivery(PublishMessage message, int qos, boolean retain, List<Integer> subscriptionIds,
                       long trackingId) {

    public static final long UNTRACKED = -1;

    public Delivery {
        subscriptionIds = subscriptionIds == null ? List.of() : subscriptionIds;
    }

    public Delivery(PublishMessage message, int qos, boolean retain, List<Integer> subscriptionIds) {
        this(message, qos, retain, subscriptionIds, UNTRACKED);
    }
}
