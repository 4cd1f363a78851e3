package org.reef.mqtt.api;

/**
 * Message listener interface for connection events: an MDB that implements it authenticates clients, authorizes
 * their subscriptions and learns when they connect and disconnect. The adapter calls it through message inflow, on a
 * WorkManager thread inside a container transaction; the network threads wait for nothing.
 *
 * <p>Activation properties: {@code topicFilter} (optional) names the topic namespace whose subscriptions this
 * endpoint authorizes: every SUBSCRIBE whose filter could match a topic in it (for {@code im/#}: {@code im/inbox/bob},
 * {@code +/inbox/+}, {@code #}, ...) is passed to {@link #authorizeSubscription}. Without it, no subscription is
 * passed.
 *
 * <p>Clients that connect without credentials are admitted or refused by the adapter's {@code allowAnonymous}
 * setting without calling {@link #authenticate}; they reach {@link #authorizeSubscription} with a null user name.
 */
public interface MqttConnectionListener {

    /** Checks the credentials of a CONNECT; a refusal closes the connection with the matching CONNACK code. */
    MqttAuthentication authenticate(MqttConnectRequest request);

    /**
     * Decides whether a client may subscribe to a filter in this endpoint's namespace. Return
     * {@link MqttAck#ACCEPTED}; {@link MqttAck#acceptedForConnection} for a subscription that ends with the client's
     * connection and that at most so many sessions may hold at once (a chat room's presence); or a refusal (MQTT 5
     * SUBACK reason, e.g. 0x87 Not authorized; MQTT 3.1.1 clients get 0x80).
     */
    MqttAck authorizeSubscription(MqttSubscriptionRequest request);

    /** A client's session is open (after CONNACK). */
    void connected(MqttConnectionEvent event);

    /** A client's connection ended, cleanly ({@code graceful}) or not. */
    void disconnected(MqttConnectionEvent event);

    /**
     * A client acknowledged deliveries that were made with a tracking id
     * ({@link MqttConnection#deliverTo(String, String, byte[], int, long)}); reported in batches, in acknowledgement
     * order.
     */
    default void delivered(MqttDeliveryReport report) {
    }
}
