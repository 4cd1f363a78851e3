package org.reef.mqtt.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;
import org.reef.mqtt.api.MqttStatistics;

import javax.naming.Reference;

/** The factory applications look up: asks the container's connection manager for a pooled connection. */
public class MqttConnectionFactoryImpl implements MqttConnectionFactory {

    private static final long serialVersionUID = 1L;

    private final transient MqttManagedConnectionFactory managedFactory;
    private final transient ConnectionManager connectionManager;
    private Reference reference;

    MqttConnectionFactoryImpl(MqttManagedConnectionFactory managedFactory, ConnectionManager connectionManager) {
        this.managedFactory = managedFactory;
        this.connectionManager = connectionManager;
    }

    @Override
    public MqttConnection getConnection() throws ResourceException {
        return (MqttConnection) connectionManager.allocateConnection(managedFactory, null);
    }

    @Override
    public MqttStatistics statistics() throws ResourceException {
        return managedFactory.adapter().statistics();
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }
}
