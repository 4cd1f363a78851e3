package org.reef.im.inbound;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;
import org.reef.im.account.MqttLoginService;
import org.reef.im.account.SubscriptionPolicy;
import org.reef.im.presence.DeviceService;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttSubscriptionRequest;

/**
 * The IM server's side of MQTT connections: logs users in (token or password), guards the {@code im/} namespace
 * for subscriptions, and keeps devices and presence up to date.
 */
@MessageDriven(
        messageListenerInterface = MqttConnectionListener.class,
        activationConfig = @ActivationConfigProperty(propertyName = "topicFilter", propertyValue = "im/#"))
@ResourceAdapter("im-ear.ear#mqtt-resource-adapter.rar")
public class ImConnectionMdb implements MqttConnectionListener {

    @EJB
    private MqttLoginService login;

    @EJB
    private DeviceService devices;

    @Override
    public MqttAuthentication authenticate(MqttConnectRequest request) {
        return login.login(request);
    }

    @Override
    public MqttAck authorizeSubscription(MqttSubscriptionRequest request) {
        return SubscriptionPolicy.decide(request.username(), request.topicFilter());
    }

    @Override
    public void connected(MqttConnectionEvent event) {
        if (event.username() != null) {
            devices.connected(event.clientId(), event.connectionId());
        }
    }

    @Override
    public void disconnected(MqttConnectionEvent event) {
        if (event.username() != null) {
            devices.disconnected(event.clientId(), event.connectionId());
        }
    }
}
