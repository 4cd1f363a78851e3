package org.reef.im.health.probes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Hands Reef's health checks to WildFly's MicroProfile Health. WildFly registers only the checks its CDI extension
 * finds from the EAR's top level, which sees the EAR's {@code lib/} jars but not its modules (health checks in EAR
 * subdeployments are not supported): so this class alone is packaged in {@code lib/reef-health.jar}, and each probe
 * calls the check EJB of {@code im-ejb}, which sees the resource adapter and the datasource, by its global JNDI name
 * (the only naming context that answers on the management interface's threads). A check that cannot be reached
 * (the application is stopping) is DOWN.
 */
@ApplicationScoped
public class ReefProbes {

    private static final String EJB_PREFIX = "java:global/im-ear/im-ejb/";

    @Produces
    @Readiness
    HealthCheck database() {
        return delegate("DatabaseReadiness", "reef-database");
    }

    @Produces
    @Readiness
    HealthCheck mqtt() {
        return delegate("MqttReadiness", "reef-mqtt");
    }

    @Produces
    @Liveness
    HealthCheck adapter() {
        return delegate("MqttLiveness", "reef-mqtt-adapter");
    }

    private static HealthCheck delegate(String bean, String name) {
        String jndiName = EJB_PREFIX + bean + "!" + HealthCheck.class.getName();
        return () -> {
            try {
                return ((HealthCheck) new InitialContext().lookup(jndiName)).call();
            } catch (NamingException | RuntimeException e) {
                return HealthCheckResponse.named(name).down().withData("error", e.getClass().getSimpleName())
                        .build();
            }
        };
    }
}
