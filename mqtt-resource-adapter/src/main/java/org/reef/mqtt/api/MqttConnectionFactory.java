package org.reef.mqtt.api;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;

import java.io.Serializable;

/**
 * Outbound connection factory of the Reef MQTT resource adapter, injected with
 * {@code @Resource(lookup = "java:/reef/mqtt/ConnectionFactory")}.
 *
 * <p>It is {@link Serializable} and {@link Referenceable} as the Connector specification requires of factories bound
 * in JNDI (JCA 2.1 section 17.5.1).
 */
public interface MqttConnectionFactory extends Serializable, Referenceable {

    /** Default JNDI name under which the adapter binds this factory. */
    String JNDI_NAME = "java:/reef/mqtt/ConnectionFactory";

    /**
     * Obtains a connection handle. Handles are cheap: get one per unit of work and close it in a
     * try-with-resources block.
     */
    MqttConnection getConnection() throws ResourceException;

    /**
     * The broker's counters and state for monitoring (metrics, health checks). Needs no connection and takes part in
     * no transaction.
     */
    MqttStatistics statistics() throws ResourceException;
}
