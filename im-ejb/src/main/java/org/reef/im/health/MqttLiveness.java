package org.reef.im.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.reef.mqtt.api.MqttConnectionFactory;

/**
 * Alive while the MQTT adapter runs its listeners: a server whose listeners are gone serves no client until it is
 * restarted. The database is deliberately not part of liveness: a PostgreSQL outage makes Reef not ready, and
 * restarting it would not help.
 */
@Liveness
@ApplicationScoped
public class MqttLiveness implements HealthCheck {

    static final String NAME = "reef-mqtt-adapter";

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
