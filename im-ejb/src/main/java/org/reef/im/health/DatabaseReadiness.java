package org.reef.im.health;

import jakarta.annotation.Resource;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Readiness {@value #NAME}: PostgreSQL answers {@code select 1} within {@value #TIMEOUT_SECONDS} s. Without it no
 * message can be stored (and none is acknowledged), so a load balancer should send clients elsewhere. Short bounds, so
 * that a stopped database makes the check answer DOWN quickly instead of hanging the probe: a refused TCP connection
 * fails at once, a dead pooled connection fails the pool's validation, and the query has its own timeout. No
 * transaction: the check must not wait for the transaction manager either.
 */
@Stateless
@Local(HealthCheck.class)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DatabaseReadiness implements HealthCheck {

    public static final String NAME = "reef-database";
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
