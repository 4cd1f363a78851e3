package org.reef.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of its own on the suite's embedded PostgreSQL (started by {@link TestDatabaseListener}), for a test that
 * runs a Reef server besides the Arquillian one: the two never see each other's users or sessions.
 */
final class ScratchDatabase {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private ScratchDatabase() {
    }

    /** Creates an empty database whose name starts with {@code prefix}; returns its JDBC URL. */
    static String create(String prefix) throws SQLException {
        String port = System.getProperty("reef.test.db.port");
        if (port == null) {
            throw new IllegalStateException("no test database: run through the failsafe plugin (mvn verify)");
        }
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String server = "jdbc:postgresql://127.0.0.1:" + port + "/";
        try (Connection connection = DriverManager.getConnection(server + "postgres", USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return server + name;
    }
}
