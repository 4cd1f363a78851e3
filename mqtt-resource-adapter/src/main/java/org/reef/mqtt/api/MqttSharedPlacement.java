package org.reef.mqtt.api;

/**
 * Decides, for a cluster of brokers, which broker delivers a message to a shared subscription ({@code $share/g/f},
 * MQTT 5.0 section 4.8.2) whose members are spread over several of them, so that the group gets each message once
 * cluster-wide. Every broker asks it with the same {@code messageKey} for the same message (the key travels with the
 * message through the {@link MqttRelay}), so an answer that depends only on the key and on which brokers have members
 * is the same everywhere. Without one, each broker delivers to its own members.
 *
 * <p>Called on the broker's network threads for each shared group a message matches: it must answer at once.
 */
@FunctionalInterface
public interface MqttSharedPlacement {

    /**
     * @param sharedFilter the shared subscription as subscribed, {@code $share/{ShareName}/{filter}}; this broker has
     *                     members of it
     * @param messageKey   the message's key, the same on every broker
     * @return whether this broker delivers the message to one of its members of the group
     */
    boolean deliverHere(String sharedFilter, long messageKey);
}
