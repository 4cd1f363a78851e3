package org.reef.im.inbound;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.annotation.Resource;
import org.jboss.ejb3.annotation.ResourceAdapter;
import jakarta.inject.Inject;
import org.reef.im.chat.ImInbox;
import org.reef.im.metrics.ImMetrics;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttBatchMessageListener;
import org.reef.mqtt.api.MqttInboundMessage;

import java.util.List;

/**
 * Receives every PUBLISH under {@code im/} (the namespace the IM server owns) and hands it to {@link ImInbox}, in
 * batches: the messages waiting when a delivery slot frees (from different connections, at most 32) share one
 * transaction, so that one commit covers them all. Each PUBLISH is acknowledged only after that transaction
 * committed; a refusal is the PUBACK reason code for MQTT 5 clients and an error event on the sender's inbox for all.
 */
@MessageDriven(
        messageListenerInterface = MqttBatchMessageListener.class,
        activationConfig = {
                @ActivationConfigProperty(propertyName = "topicFilter", propertyValue = "im/#"),
                @ActivationConfigProperty(propertyName = "maxConcurrency", propertyValue = "16"),
                @ActivationConfigProperty(propertyName = "maxBatchSize", propertyValue = "32")})
@ResourceAdapter("im-ear.ear#mqtt-resource-adapter.rar")
public class ImInboundMdb implements MqttBatchMessageListener {

    @EJB
    private ImInbox inbox;

    @Resource
    private MessageDrivenContext context;

    @Inject
    private ImMetrics metrics;

    /**
     * Returns the verdicts, or throws if the batch's transaction cannot commit: verdicts of work that is rolled back
     * must never reach the clients (the adapter then delivers each message again on its own; it also checks the
     * transaction's outcome itself).
     */
    @Override
    public List<MqttAck> onMessages(List<MqttInboundMessage> messages) {
        metrics.batch(messages.size());
        List<MqttAck> verdicts = inbox.handleAll(messages);
        if (context.getRollbackOnly()) {
            throw new IllegalStateException("the transaction of a batch of " + messages.size()
                    + " messages is marked rollback-only");
        }
        return verdicts;
    }
}
