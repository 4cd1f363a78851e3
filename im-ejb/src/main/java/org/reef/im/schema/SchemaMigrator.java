package org.reef.im.schema;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Brings the database schema up to date at deployment, before the application serves anything, by applying the
 * versioned SQL scripts of {@code db/migration} that the database has not seen yet ({@link Migrations}).
 *
 * <p>Bean-managed: each script runs in its own JDBC transaction together with its entry in the version table, so a
 * failed script leaves no trace and fails the deployment.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class.getName());

    @Resource(lookup = "java:jboss/datasources/ReefDS")
    private DataSource dataSource;

    @PostConstruct
    void migrate() {
        try (Connection connection = dataSource.getConnection()) {
            int applied = new Migrations(connection).apply();
            LOG.info(applied == 0 ? "Database schema is up to date" : "Applied " + applied + " schema migration(s)");
        } catch (SQLException e) {
            throw new IllegalStateException("database schema migration failed: " + e.getMessage(), e);
        }
    }
}
