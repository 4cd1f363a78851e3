package org.reef.im.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.reef.mqtt.api.MqttConnectionFactory;
import org.reef.mqtt.api.MqttStatistics;

/**
 * Ready only while every MQTT listener the configuration enables is bound ({@code reef-mqtt-listeners}) and the IM
 * endpoints are activated on the adapter ({@code reef-im-endpoints}): the inbound MDB and the connection MDB that
 * guards {@code im/}, without which the broker refuses the reserved namespace (docs/security.md, F12).
 */
@Readiness
@ApplicationScoped
public class MqttReadiness implements HealthCheck {

    static final String NAME = "reef-mqtt";

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
