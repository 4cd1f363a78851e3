package org.reef.im.health;

import jakarta.annotation.Resource;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.reef.mqtt.api.MqttConnectionFactory;
import org.reef.mqtt.api.MqttStatistics;

/**
 * Readiness {@value #NAME}: every MQTT listener the configuration enables is bound, and the IM endpoints are
 * activated on the adapter: the inbound MDB and the connection MDB that guards {@code im/}, without which the broker
 * refuses the reserved namespace (docs/security.md, F12).
 */
@Stateless
@Local(HealthCheck.class)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MqttReadiness implements HealthCheck {

    public static final String NAME = "reef-mqtt";

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory mqtt;

    @Override
    public HealthCheckResponse call() {
        try {
            MqttStatistics stats = mqtt.statistics();
            boolean listeners = stats.listenersBound();
            boolean endpoints = stats.reservedTopicsOpen();
            return HealthCheckResponse.named(NAME).status(listeners && endpoints)
                    .withData("listeners", listeners ? "bound" : "not bound")
                    .withData("imEndpoints", endpoints ? "active" : "not active")
                    .withData("activeEndpoints", stats.activeEndpoints())
                    .build();
        } catch (Exception e) {
            return HealthCheckResponse.named(NAME).down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
