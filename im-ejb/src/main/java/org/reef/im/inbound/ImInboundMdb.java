package org.reef.im.inbound;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;
import org.reef.im.chat.ImInbox;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttInboundMessage;
import org.reef.mqtt.api.MqttMessageListener;

/**
 * Receives every PUBLISH under {@code im/} (the namespace the IM server owns) and hands it to {@link ImInbox}. The
 * PUBLISH is acknowledged only after this method's transaction committed; a refusal is the PUBACK reason code for
 * MQTT 5 clients and an error event on the sender's inbox for all.
 */
@MessageDriven(
        messageListenerInterface = MqttMessageListener.class,
        activationConfig = {
                @ActivationConfigProperty(propertyName = "topicFilter", propertyValue = "im/#"),
                @ActivationConfigProperty(propertyName = "maxConcurrency", propertyValue = "16")})
@ResourceAdapter("im-ear.ear#mqtt-resource-adapter.rar")
public class ImInboundMdb implements MqttMessageListener {

    @EJB
    private ImInbox inbox;

    @Override
    public MqttAck onMessage(MqttInboundMessage message) {
        return inbox.handle(message);
    }
}
