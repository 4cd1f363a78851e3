package org.reef.im.health;

import jakarta.annotation.Resource;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.reef.mqtt.api.MqttConnectionFactory;

/**
 * Liveness {@value #NAME}: the MQTT adapter runs its listeners; a server whose listeners are gone serves no client
 * until it is restarted. The database is deliberately not part of liveness: an outage makes Reef not ready, and
 * restarting it would not bring the database back.
 */
@Stateless
@Local(HealthCheck.class)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MqttLiveness implements HealthCheck {

    public static final String NAME = "reef-mqtt-adapter";

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory mqtt;

    @Override
    public HealthCheckResponse call() {
        try {
            return HealthCheckResponse.named(NAME).status(mqtt.statistics().listenersBound()).build();
        } catch (Exception e) {
            return HealthCheckResponse.named(NAME).down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
