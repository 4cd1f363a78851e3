package org.reef.mqtt.session;

/**
 * Options of one subscription (MQTT 5.0 section 3.8.3.1; MQTT 3.1.1 has only the QoS).
 *
 * @param qos               maximum QoS granted: deliveries are downgraded to it
 * @param noLocal           do not deliver the subscriber's own publications
 * @param retainAsPublished forward the RETAIN flag as published instead of clearing it
 * @param retainHandling    0: send retained messages at subscribe; 1: only if the subscription is new; 2: never
 * @param subscriptionId    MQTT 5 Subscription Identifier, or 0 for none
 */
public record SubscriptionOptions(int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
                                  int subscriptionId) {

    public SubscriptionOptions {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
        if (retainHandling < 0 || retainHandling > 2) {
            throw new IllegalArgumentException("retain handling must be 0, 1 or 2: " + retainHandling);
        }
    }

    /** MQTT 3.1.1 options: just a QoS. */
    public static SubscriptionOptions ofQos(int qos) {
        return new SubscriptionOptions(qos, false, false, 0, 0);
    }
}
