package org.reef.im.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Versioned SQL migrations: every script listed in {@link #SCRIPTS} runs once per database, in order, recorded in
 * {@code reef_schema_version}. A PostgreSQL advisory lock serialises servers that start at the same time against the
 * same database (a cluster), so each script runs exactly once.
 */
public final class Migrations {

    /** Scripts under {@code db/migration}, oldest first. Append, never edit or reorder. */
    static final List<String> SCRIPTS = List.of(
            "V1__chat_message.sql",
            "V2__accounts.sql",
            "V3__conversations.sql",
            "V4__inbox.sql",
            "V5__groups_rooms_moderation.sql",
            "V7__drop_chat_message.sql",
            "V8__device_node.sql");

    private static final long LOCK_KEY = 0x5245_4546L; // "REEF"

    private final Connection connection;

    public Migrations(Connection connection) {
        this.connection = connection;
    }

    /** Applies what is missing; returns how many scripts ran. */
    public int apply() throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            try {
                statement.execute("CREATE TABLE IF NOT EXISTS reef_schema_version ("
                        + "script VARCHAR(200) PRIMARY KEY, applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())");
                Set<String> done = appliedScripts();
                int applied = 0;
                for (String script : SCRIPTS) {
                    if (!done.contains(script)) {
                        run(script);
                        applied++;
                    }
                }
                return applied;
            } finally {
                statement.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private Set<String> appliedScripts() throws SQLException {
        Set<String> done = new HashSet<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT script FROM reef_schema_version")) {
            while (rows.next()) {
                done.add(rows.getString(1));
            }
        }
        return done;
    }

    private void run(String script) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(read(script))) {
                statement.execute(sql);
            }
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO reef_schema_version (script) VALUES (?)")) {
                record.setString(1, script);
                record.executeUpdate();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new SQLException("migration " + script + " failed: " + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Splits a script into statements at semicolons that end a line; drops {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static String read(String script) {
        String path = "db/migration/" + script;
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing migration script " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
