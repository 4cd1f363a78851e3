package org.reef.mqtt.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import org.reef.mqtt.adapter.MqttResourceAdapter;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;

import javax.security.auth.Subject;
import java.io.PrintWriter;
import java.util.Set;

/**
 * Creates the managed connections behind {@link MqttConnectionFactory}. A managed connection holds no socket: it
 * publishes into the adapter's own broker, so all of them are interchangeable.
 */
@ConnectionDefinition(
        connectionFactory = MqttConnectionFactory.class,
        connectionFactoryImpl = MqttConnectionFactoryImpl.class,
        connection = MqttConnection.class,
        connectionImpl = MqttConnectionImpl.class)
public class MqttManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation {

    private static final long serialVersionUID = 1L;

    private transient MqttResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    @Override
    public Object createConnectionFactory(ConnectionManager connectionManager) {
        return new MqttConnectionFactoryImpl(this, connectionManager);
    }

    @Override
    public Object createConnectionFactory() throws ResourceException {
        throw new jakarta.resource.NotSupportedException("the MQTT connection factory is only available in a container");
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        return new MqttManagedConnection(this);
    }

    @Override
    public ManagedConnection matchManagedConnections(Set connections, Subject subject, ConnectionRequestInfo info) {
        for (Object candidate : connections) {
            if (candidate instanceof MqttManagedConnection managed && managed.factory() == this) {
                return managed;
            }
        }
        return null;
    }

    MqttResourceAdapter adapter() throws ResourceException {
        if (resourceAdapter == null) {
            throw new jakarta.resource.spi.IllegalStateException("not associated with the MQTT resource adapter");
        }
        return resourceAdapter;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof MqttResourceAdapter mqtt)) {
            throw new jakarta.resource.spi.IllegalStateException("not the MQTT resource adapter: " + ra);
        }
        this.resourceAdapter = mqtt;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** All factories of one adapter are equivalent: they have no properties of their own. */
    @Override
    public boolean equals(Object o) {
        return o instanceof MqttManagedConnectionFactory other && other.resourceAdapter == resourceAdapter;
    }

    @Override
    public int hashCode() {
        return MqttManagedConnectionFactory.class.hashCode();
    }
}
