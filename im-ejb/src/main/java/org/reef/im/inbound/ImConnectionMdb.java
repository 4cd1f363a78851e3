package org.reef.im.inbound;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.jboss.ejb3.annotation.ResourceAdapter;
import org.reef.im.account.MqttLoginService;
import org.reef.im.account.SubscriptionPolicy;
import org.reef.im.cluster.ClusterBus;
import org.reef.im.cluster.ClusterEvent;
import org.reef.im.delivery.Events;
import org.reef.im.delivery.InboxPump;
import org.reef.im.presence.DeviceService;
import org.reef.im.presence.PresenceAccess;
import org.reef.im.room.RoomService;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttDeliveryReport;
import org.reef.mqtt.api.MqttSubscriptionRequest;

/**
 * The IM server's side of MQTT connections: logs users in (token or password), guards the {@code im/} namespace
 * for subscriptions (rooms by {@link RoomService}), and keeps devices and presence up to date.
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

    @EJB
    private InboxPump pump;

    @EJB
    private RoomService rooms;

    @EJB
    private PresenceAccess presence;

    @EJB
    private ClusterBus cluster;

    /** No transaction: a password is hashed here, and nothing may hold a database connection meanwhile. */
    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public MqttAuthentication authenticate(MqttConnectRequest request) {
        return login.login(request);
    }

    @Override
    public MqttAck authorizeSubscription(MqttSubscriptionRequest request) {
        if (request.topicFilter().startsWith(RoomService.TOPIC_PREFIX)) {
            return rooms.authorizeSubscription(request.username(), request.topicFilter());
        }
        MqttAck verdict = SubscriptionPolicy.decide(request.username(), request.topicFilter());
        if (verdict.accepted() && request.topicFilter().startsWith(DeviceService.PRESENCE_TOPIC)
                && !presence.maySee(request.username(),
                request.topicFilter().substring(DeviceService.PRESENCE_TOPIC.length()))) {
            return SubscriptionPolicy.NOT_AUTHORIZED;
        }
        if (verdict.accepted() && request.topicFilter().equals(Events.INBOX + request.username())) {
            pump.activate(request.clientId(), request.username(), request.persistent(), request.resumed(),
                    request.connectionId());
        }
        return verdict;
    }

    @Override
    public void connected(MqttConnectionEvent event) {
        cluster.send(new ClusterEvent.TakenOver(event.clientId(), System.currentTimeMillis()));
        if (event.username() != null) {
            devices.connected(event.clientId(), event.connectionId(), event.username());
            if (event.resumed() && event.persistent()) {
                pump.activate(event.clientId(), event.username(), true, true, event.connectionId());
            }
        }
    }

    @Override
    public void disconnected(MqttConnectionEvent event) {
        if (event.username() != null) {
            devices.disconnected(event.clientId(), event.connectionId());
            pump.deactivate(event.clientId(), event.persistent(), event.connectionId());
        }
    }

    /** No transaction: recording acknowledgements is the pump's business, and it batches them itself. */
    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void delivered(MqttDeliveryReport report) {
        pump.acknowledged(report.clientId(), report.username(), report.trackingIds(), report.droppedIds(),
                report.oversizedIds());
    }
}
