package org.reef.mqtt.inflow;

import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The active endpoints. Activations are few and change only at deployment time, so a copy-on-write list gives the
 * per-PUBLISH lookup a lock-free read.
 */
public final class InflowRegistry {

    private final CopyOnWriteArrayList<MqttActivation> activations = new CopyOnWriteArrayList<>();

    public void add(MqttActivation activation) {
        activations.add(activation);
    }

    /** Removes the activation of this endpoint and spec; returns it, or null if there was none. */
    public MqttActivation remove(MessageEndpointFactory factory, MqttActivationSpec spec) {
        for (MqttActivation activation : activations) {
            if (activation.endpointFactory() == factory && activation.spec() == spec) {
                activations.remove(activation);
                return activation;
            }
        }
        return null;
    }

    /** The activations whose filter matches the topic, in activation order; empty when the broker routes it. */
    public List<MqttActivation> match(String topic) {
        List<MqttActivation> matched = null;
        for (MqttActivation activation : activations) {
            if (activation.matches(topic)) {
                if (matched == null) {
                    matched = new ArrayList<>(1);
                }
                matched.add(activation);
            }
        }
        return matched == null ? List.of() : matched;
    }

    /** Whether an active endpoint's filter covers every topic of the namespace (a filter). */
    public boolean covers(String namespace) {
        for (MqttActivation activation : activations) {
            String filter = activation.spec().getTopicFilter();
            if (filter != null && org.reef.mqtt.broker.ReservedTopics.covers(filter, namespace)) {
                return true;
            }
        }
        return false;
    }

    /** The active endpoints, in activation order. */
    public List<MqttActivation> all() {
        return List.copyOf(activations);
    }

    public int size() {
        return activations.size();
    }
}
