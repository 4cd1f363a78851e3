package org.reef.mqtt.outbound;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import org.reef.mqtt.api.MqttRelay;
import org.reef.mqtt.api.MqttSharedPlacement;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.protocol.ClusterTakeover;
import org.reef.mqtt.session.Delivery;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A pooled outbound connection into the adapter's broker; publishing routes the message to matching sessions. */
public class MqttManagedConnection implements ManagedConnection {

    private final MqttManagedConnectionFactory factory;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final List<MqttConnectionImpl> handles = new CopyOnWriteArrayList<>();
    private PrintWriter logWriter;

    MqttManagedConnection(MqttManagedConnectionFactory factory) {
        this.factory = factory;
    }

    MqttManagedConnectionFactory factory() {
        return factory;
    }

    void publish(String topic, byte[] payload, int qos, boolean retain, String exceptClientId)
            throws ResourceException {
        PublishMessage message = message(topic, payload, qos, retain);
        MqttBroker broker = factory.adapter().requireStarted();
        if (retain) {
            broker.retained().retain(message);
        }
        broker.router().route(message, exceptClientId);
    }

    boolean deliverTo(String clientId, String topic, byte[] payload, int qos, long trackingId)
            throws ResourceException {
        PublishMessage message = message(topic, payload, qos, false);
        Session session = factory.adapter().requireStarted().sessions().get(clientId);
        if (session == null) {
            return false;
        }
        session.send(new Delivery(message, qos, false, List.of(), trackingId));
        return true;
    }

    boolean disconnect(String clientId) throws ResourceException {
        return factory.adapter().requireStarted().disconnect(clientId);
    }

    boolean disconnect(String clientId, String username) throws ResourceException {
        return factory.adapter().requireStarted().disconnect(clientId, username);
    }

    void relayTo(MqttRelay relay) throws ResourceException {
        factory.adapter().requireStarted().relayTo(relay);
    }

    void routeRelayed(byte[] bytes) throws ResourceException {
        try {
            factory.adapter().requireStarted().routeRelayed(bytes);
        } catch (IllegalArgumentException e) {
            throw new ResourceException("not a relayed message: " + e.getMessage(), e);
        }
    }

    List<byte[]> retainedMessages() throws ResourceException {
        return factory.adapter().requireStarted().retainedForCluster();
    }

    void retainCopy(byte[] bytes) throws ResourceException {
        try {
            factory.adapter().requireStarted().retainCopied(bytes);
        } catch (IllegalArgumentException e) {
            throw new ResourceException("not a retained message: " + e.getMessage(), e);
        }
    }

    void placeSharedWith(MqttSharedPlacement placement) throws ResourceException {
        factory.adapter().requireStarted().router().placeSharedWith(placement);
    }

    List<String> sharedFilters() throws ResourceException {
        return factory.adapter().requireStarted().router().sharedFilters();
    }

    boolean takenOverElsewhere(String clientId, long connectedAtMillis) throws ResourceException {
        return ClusterTakeover.takenOverElsewhere(factory.adapter().requireStarted(), clientId, connectedAtMillis);
    }

    int subscriberCount(String topicFilter) throws ResourceException {
        validFilter(topicFilter);
        return factory.adapter().requireStarted().router().subscriberCount(topicFilter);
    }

    boolean isSubscribed(String clientId, String topicFilter) throws ResourceException {
        validFilter(topicFilter);
        return factory.adapter().requireStarted().router().isSubscribed(clientId, topicFilter);
    }

    private static void validFilter(String topicFilter) throws ResourceException {
        try {
            Topics.validateTopicFilter(topicFilter, 0, 0);
        } catch (TopicException e) {
            throw new ResourceException("invalid topic filter '" + topicFilter + "': " + e.getMessage(), e);
        }
    }

    private static PublishMessage message(String topic, byte[] payload, int qos, boolean retain)
            throws ResourceException {
        if (payload == null) {
            throw new ResourceException("payload must not be null");
        }
        if (qos < 0 || qos > 2) {
            throw new ResourceException("qos must be 0, 1 or 2: " + qos);
        }
        try {
            Topics.validateTopicName(topic, 0, 0);
        } catch (TopicException e) {
            throw new ResourceException("invalid topic name '" + topic + "': " + e.getMessage(), e);
        }
        return new PublishMessage(topic, payload, qos, retain, null);
    }

    void handleClosed(MqttConnectionImpl handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionClosed(event);
        }
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) {
        MqttConnectionImpl handle = new MqttConnectionImpl(this);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof MqttConnectionImpl handle)) {
            throw new ResourceException("not an MQTT connection handle: " + connection);
        }
        handle.associate(this);
        handles.add(handle);
    }

    @Override
    public void cleanup() {
        for (MqttConnectionImpl handle : handles) {
            handle.invalidate();
        }
        handles.clear();
    }

    @Override
    public void destroy() {
        cleanup();
        listeners.clear();
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("the MQTT connection is not transactional; publish after commit");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("the MQTT connection is not transactional; publish after commit");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "Reef MQTT";
            }

            @Override
            public String getEISProductVersion() {
                return "0.1";
            }

            @Override
            public int getMaxConnections() {
                return 0;
            }

            @Override
            public String getUserName() {
                return null;
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
