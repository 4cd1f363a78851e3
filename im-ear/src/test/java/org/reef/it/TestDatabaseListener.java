package org.reef.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.reef.server.EmbeddedDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Starts a fresh embedded PostgreSQL before any test class runs, because Arquillian starts WildFly (whose
 * datasource points at it) and deploys before a test class's {@code @BeforeAll}. Active only where the build sets
 * {@code reef.test.db.port} (the failsafe run).
 */
public class TestDatabaseListener implements LauncherSessionListener {

    /** The running test database, for tests that stop and start it (an outage); null outside the failsafe run. */
    private static volatile EmbeddedDatabase database;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String port = System.getProperty("reef.test.db.port");
        if (port == null || database != null) {
            return;
        }
        Path dir = Path.of(System.getProperty("reef.test.db.dir"));
        try {
            deleteRecursively(dir);
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            database = EmbeddedDatabase.start(dir, Integer.parseInt(port), "reef");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test database", e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (database != null) {
            try {
                database.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                database = null;
            }
        }
    }

    /**
     * Stops the test database (PostgreSQL's fast shutdown: open connections are cut) as an outage would; the server
     * under test sees its connections fail and new ones refused on the same port.
     */
    static synchronized void stopDatabase() throws IOException {
        EmbeddedDatabase running = database;
        if (running == null) {
            throw new IllegalStateException("the test database is not running");
        }
        database = null;
        running.close();
    }

    /** Starts the test database again on the same data directory and port, after {@link #stopDatabase()}. */
    static synchronized void startDatabase() throws IOException {
        if (database != null) {
            throw new IllegalStateException("the test database runs already");
        }
        database = EmbeddedDatabase.start(Path.of(System.getProperty("reef.test.db.dir")),
                Integer.parseInt(System.getProperty("reef.test.db.port")), "reef");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
