package org.reef.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, "coming back after a crash": the run command's database half is killed with SIGKILL and started again at
 * once, on the same data directory and port, and must come back by itself with every committed row and none of the
 * open transaction's. Two ways a kill leaves things: the launcher dies but the postmaster, which {@code pg_ctl} put in
 * a session of its own, survives it (what killing {@code mvn -Prun}'s process group does); or the postmaster dies too,
 * with its server processes, mid-transaction (crash recovery).
 */
class EmbeddedDatabaseCrashTest {

    @TempDir
    Path temp;
    private Path dataDirectory;
    private int port;
    private Process run;
    private EmbeddedDatabase restarted;

    @BeforeEach
    void freePort() throws IOException {
        dataDirectory = temp.resolve("postgres");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (run != null) {
            killTree(run.toHandle());
        }
        if (restarted != null) {
            restarted.close();
        }
    }

    @Test
    void aPostmasterLeftRunningByAKilledLauncherIsStoppedAndTheDatabaseComesBack() throws Exception {
        run = startRun();
        long postmaster = postmasterPid();
        killTree(run.toHandle()); // the launcher JVM and what is still its descendant; not the postmaster
        assertTrue(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
                "the postmaster outlives its launcher (its own session): what the issue's users ran into");

        restarted = EmbeddedDatabase.start(dataDirectory, port, "reef");

        assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false), "the orphan is gone");
        assertCommittedRowsOnly();
    }

    @Test
    void aKilledPostmasterWithItsServerProcessesRecoversAtOnce() throws Exception {
        run = startRun();
        long postmaster = postmasterPid();
        List<ProcessHandle> all = new ArrayList<>(ProcessHandle.of(postmaster).orElseThrow().descendants().toList());
        all.add(ProcessHandle.of(postmaster).orElseThrow());
        all.addAll(run.descendants().toList());
        all.add(run.toHandle());
        all.forEach(ProcessHandle::destroyForcibly); // kill -9, all at once

        restarted = EmbeddedDatabase.start(dataDirectory, port, "reef");

        assertCommittedRowsOnly();
    }

    private static void assertFalse(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertFalse(condition, message);
    }

    private void assertCommittedRowsOnly() throws Exception {
        assertEquals(port, restarted.port(), "the same port as before");
        try (Connection connection = DatabaseProcess.connect(restarted.jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select count(*) filter (where committed), count(*) filter (where not committed) "
                             + "from crash_check")) {
            assertTrue(rows.next());
            assertEquals(DatabaseProcess.COMMITTED, rows.getInt(1), "every committed row survived");
            assertEquals(0, rows.getInt(2), "nothing of the open transaction");
        }
    }

    /** Starts {@link DatabaseProcess} in a JVM of its own and waits (bounded) until it says READY. */
    private Process startRun() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + tmp,
                DatabaseProcess.class.getName(), dataDirectory.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String line;
        while ((line = output.readLine()) != null) {
            System.out.println("[run] " + line);
            if (line.equals("READY")) {
                Thread drain = new Thread(() -> output.lines().forEach(l -> System.out.println("[run] " + l)));
                drain.setDaemon(true);
                drain.start();
                return process;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        killTree(process.toHandle());
        throw new AssertionError("the run did not get ready");
    }

    private long postmasterPid() throws IOException {
        return PostgresRecovery.PidFile.read(dataDirectory).orElseThrow().pid();
    }

    private static void killTree(ProcessHandle root) {
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
        root.onExit().join();
    }
}
