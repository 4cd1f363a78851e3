package org.reef.im.inbound;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;
import org.reef.im.chat.ChatService;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.api.MqttMessageListener;

/**
 * Receives every PUBLISH to a {@code chat/...} topic from the resource adapter and hands it to {@link ChatService}.
 * The message is acknowledged to its publisher only after this method's transaction committed.
 */
@MessageDriven(
        messageListenerInterface = MqttMessageListener.class,
        activationConfig = @ActivationConfigProperty(propertyName = "topicFilter", propertyValue = "chat/#"))
@ResourceAdapter("im-ear.ear#mqtt-resource-adapter.rar")
public class ChatInboundMdb implements MqttMessageListener {

    @EJB
    private ChatService chat;

    @Override
    public MqttAck onMessage(MqttInboundMessage message) {
        chat.accept(message.topic(), message.clientId(), message.payload(), message.receivedAt(), message.qos());
        return MqttAck.ACCEPTED;
    }
}
