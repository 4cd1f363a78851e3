package org.reef.mqtt.outbound;

import jakarta.resource.ResourceException;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttRelay;
import org.reef.mqtt.api.MqttSharedPlacement;
import org.reef.mqtt.session.Delivery;

import java.util.List;

/**
 * A thin handle over a {@link MqttManagedConnection}; it holds no state but the managed connection it is associated
 * with, which the container may change (JCA 2.1 section 6.5.4.2, connection sharing).
 */
public class MqttConnectionImpl implements MqttConnection {

    private volatile MqttManagedConnection managedConnection;

    MqttConnectionImpl(MqttManagedConnection managedConnection) {
        this.managedConnection = managedConnection;
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain) throws ResourceException {
        current().publish(topic, payload, qos, retain, null);
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain, String exceptClientId)
            throws ResourceException {
        current().publish(topic, payload, qos, retain, exceptClientId);
    }

    @Override
    public boolean deliverTo(String clientId, String topic, byte[] payload, int qos) throws ResourceException {
        return current().deliverTo(clientId, topic, payload, qos, Delivery.UNTRACKED);
    }

    @Override
    public boolean deliverTo(String clientId, String topic, byte[] payload, int qos, long trackingId)
            throws ResourceException {
        if (trackingId < 0) {
            throw new ResourceException("tracking ids are 0 or more: " + trackingId);
        }
        return current().deliverTo(clientId, topic, payload, qos, trackingId);
    }

    @Override
    public boolean disconnect(String clientId) throws ResourceException {
        return current().disconnect(clientId);
    }

    @Override
    public boolean disconnect(String clientId, String username) throws ResourceException {
        if (clientId == null || username == null) {
            throw new ResourceException("clientId and username must not be null");
        }
        return current().disconnect(clientId, username);
    }

    @Override
    public boolean takenOverElsewhere(String clientId, long connectedAtMillis) throws ResourceException {
        if (clientId == null) {
            throw new ResourceException("clientId must not be null");
        }
        return current().takenOverElsewhere(clientId, connectedAtMillis);
    }

    @Override
    public void relayTo(MqttRelay relay) throws ResourceException {
        current().relayTo(relay);
    }

    @Override
    public void routeRelayed(byte[] message) throws ResourceException {
        if (message == null) {
            throw new ResourceException("message must not be null");
        }
        current().routeRelayed(message);
    }

    @Override
    public List<byte[]> retainedMessages() throws ResourceException {
        return current().retainedMessages();
    }

    @Override
    public void retainCopy(byte[] message) throws ResourceException {
        if (message == null) {
            throw new ResourceException("message must not be null");
        }
        current().retainCopy(message);
    }

    @Override
    public void placeSharedWith(MqttSharedPlacement placement) throws ResourceException {
        current().placeSharedWith(placement);
    }

    @Override
    public List<String> sharedFilters() throws ResourceException {
        return current().sharedFilters();
    }

    @Override
    public int subscriberCount(String topicFilter) throws ResourceException {
        return current().subscriberCount(topicFilter);
    }

    @Override
    public boolean isSubscribed(String clientId, String topicFilter) throws ResourceException {
        if (clientId == null) {
            throw new ResourceException("clientId must not be null");
        }
        return current().isSubscribed(clientId, topicFilter);
    }

    @Override
    public void close() {
        MqttManagedConnection managed = managedConnection;
        if (managed != null) {
            managedConnection = null;
            managed.handleClosed(this);
        }
    }

    void associate(MqttManagedConnection managed) {
        this.managedConnection = managed;
    }

    void invalidate() {
        this.managedConnection = null;
    }

    private MqttManagedConnection current() throws ResourceException {
        MqttManagedConnection managed = managedConnection;
        if (managed == null) {
            throw new jakarta.resource.spi.IllegalStateException("the MQTT connection is closed");
        }
        return managed;
    }
}
