package org.reef.mqtt.inflow;

import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;

import java.util.List;

/**
 * One inbound message waiting to be handed to the endpoints that matched it, and what to do with the verdict.
 *
 * @param message     the message
 * @param activations the endpoints to deliver it to, in order
 * @param completion  called once, on the delivering thread, after the last endpoint returned or the first failed
 */
public record InflowDelivery(MqttInboundMessage message, List<MqttActivation> activations, Completion completion) {

    /** Receives the outcome of a delivery. */
    @FunctionalInterface
    public interface Completion {
        /**
         * @param ack     the verdict when every endpoint committed (the first refusal wins), else {@code null}
         * @param failure why delivery failed (nothing acknowledged), else {@code null}
         */
        void completed(MqttAck ack, Throwable failure);
    }
}
