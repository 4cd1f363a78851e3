package org.reef.im.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ready only while PostgreSQL answers {@code select 1} within {@value #TIMEOUT_SECONDS} s: without it no message can
 * be stored (and none is acknowledged), so a load balancer should send clients elsewhere. Short bounds everywhere, so
 * a stopped database makes the check answer DOWN quickly instead of hanging the probe: a refused TCP connection fails
 * at once, a dead pooled connection fails the pool's validation, and the query has its own timeout.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    static final String NAME = "reef-database";
    private static final int TIMEOUT_SECONDS = 2;
    private static final Logger LOG = Logger.getLogger(DatabaseReadiness.class.getName());

    @Resource(lookup = "java:jboss/datasources/ReefDS")
    private DataSource dataSource;

    @Override
    public HealthCheckResponse call() {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            statement.execute("select 1");
            return HealthCheckResponse.named(NAME).up()
                    .withData("millis", (System.nanoTime() - started) / 1_000_000).build();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "Database not ready: {0}", e.toString());
            return HealthCheckResponse.named(NAME).down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
