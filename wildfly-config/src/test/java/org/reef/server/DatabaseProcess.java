package org.reef.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database half of a run, in a process of its own so that a test can kill it as a user kills {@code mvn -Prun}:
 * starts the embedded PostgreSQL, commits {@link #COMMITTED} rows, leaves more rows in an open transaction, prints
 * {@code READY} and waits to be killed.
 *
 * <pre>java org.reef.server.DatabaseProcess &lt;data dir&gt; &lt;port&gt;</pre>
 */
public final class DatabaseProcess {

    static final int COMMITTED = 100;

    private DatabaseProcess() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase database = EmbeddedDatabase.start(Path.of(args[0]), Integer.parseInt(args[1]), "reef");
        String url = database.jdbcUrl();
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            statement.execute("create table if not exists crash_check (id int primary key, committed boolean)");
            statement.execute("delete from crash_check");
            try (PreparedStatement insert = connection.prepareStatement("insert into crash_check values (?, true)")) {
                for (int i = 0; i < COMMITTED; i++) {
                    insert.setInt(1, i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        Connection open = connect(url);
        open.setAutoCommit(false);
        try (Statement statement = open.createStatement()) {
            statement.execute("insert into crash_check select g, false from generate_series(1000, 1999) g");
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static Connection connect(String url) throws SQLException {
        return java.sql.DriverManager.getConnection(url, EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }
}
