package org.reef.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes a data directory startable after its last run ended badly, before the embedded PostgreSQL starts on it.
 *
 * <p>What a {@code kill -9} of the run command leaves behind, and what this does about it:
 * <ul>
 * <li><b>A postmaster still running.</b> {@code pg_ctl start} puts the postmaster in a session of its own
 *     ({@code setsid}), so killing the launcher's process group does not reach it: it keeps the data directory
 *     ({@code postmaster.pid}) and the port, and a new start fails with "lock file already exists". If no live
 *     launcher holds the data directory (zonky's {@code epg-lock}), that postmaster is an orphan of ours: it is asked
 *     for a fast shutdown (SIGINT), then an immediate one (SIGQUIT), and waited for.</li>
 * <li><b>A killed postmaster whose server processes are still exiting.</b> PostgreSQL refuses to start while any
 *     process is attached to the old shared memory segment ("pre-existing shared memory block is still in use"):
 *     on Linux the segment's attach count ({@code /proc/sysvipc/shm}) is waited for.</li>
 * <li><b>Crash recovery.</b> PostgreSQL replays its write-ahead log before it accepts connections; the caller waits
 *     for that with a long bound and logs progress ({@link EmbeddedDatabase}).</li>
 * </ul>
 * Every wait logs what it waits for every few seconds and has a bound.
 */
final class PostgresRecovery {

    private static final Logger LOG = Logger.getLogger(PostgresRecovery.class.getName());
    /** zonky's lock file in the data directory, held by the JVM whose embedded server uses it. */
    static final String LAUNCHER_LOCK = "epg-lock";
    private static final long PROGRESS_SECONDS = 5;
    private static final long FAST_SHUTDOWN_SECONDS = 30;
    private static final long GIVE_UP_SECONDS = 120;
    private static final long LOCK_WAIT_SECONDS = 30;
    private static final long ZOMBIE_WAIT_SECONDS = 5;

    private PostgresRecovery() {
    }

    /**
     * Waits until nothing of an earlier server holds the data directory.
     *
     * @throws IOException if another live process uses the data directory, or an old server does not go away
     */
    static void prepare(Path dataDirectory) throws IOException {
        requireNoLiveLauncher(dataDirectory);
        Optional<PidFile> pidFile = PidFile.read(dataDirectory);
        if (pidFile.isEmpty()) {
            return;
        }
        PidFile old = pidFile.get();
        Optional<ProcessHandle> postmaster = ProcessHandle.of(old.pid()).filter(PostgresRecovery::isPostgres);
        if (postmaster.isPresent()) {
            LOG.log(Level.WARNING, "An earlier PostgreSQL (pid {0}) still runs on {1}, left behind by a run that was "
                    + "killed; shutting it down", new Object[]{old.pid(), dataDirectory});
            stop(postmaster.get());
        } else {
            LOG.log(Level.WARNING, "PostgreSQL was not shut down cleanly (its pid {0} is gone): it will recover "
                    + "from its write-ahead log when it starts", old.pid());
        }
        awaitSharedMemoryReleased(old);
        awaitPidReleased(dataDirectory, old);
    }

    /**
     * A killed postmaster stays a zombie until its new parent reaps it, and PostgreSQL takes a zombie's pid in
     * {@code postmaster.pid} for a live server ("lock file already exists"). Waits for the pid to go; if it stays (a
     * parent that never reaps, as some container inits), removes the stale {@code postmaster.pid}, which is safe
     * only because the old server's processes have all left its shared memory (checked before).
     */
    private static void awaitPidReleased(Path dataDirectory, PidFile old) throws IOException {
        Path proc = Path.of("/proc", Long.toString(old.pid()));
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return; // no /proc: the JDK's view (gone) is all there is
        }
        long started = System.nanoTime();
        while (Files.exists(proc)) {
            if (TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) >= ZOMBIE_WAIT_SECONDS) {
                LOG.log(Level.WARNING, "The earlier postmaster (pid {0}) has exited but was not reaped; removing "
                        + "its stale postmaster.pid", old.pid());
                Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /**
     * Waits until no process holds the data directory's lock: a killed launcher's lock goes with its process, which
     * may take a moment to end; a live launcher's stays, and after {@link #LOCK_WAIT_SECONDS} this gives up.
     */
    private static void requireNoLiveLauncher(Path dataDirectory) throws IOException {
        Path lockFile = dataDirectory.resolve(LAUNCHER_LOCK);
        long started = System.nanoTime();
        while (Files.exists(lockFile) && !lockFree(lockFile)) {
            long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            if (waited >= LOCK_WAIT_SECONDS) {
                throw new IOException("another process runs PostgreSQL on " + dataDirectory + " (it holds "
                        + lockFile + "); stop it first, or set REEF_DATA_DIR to another directory");
            }
            if (waited % PROGRESS_SECONDS == 0) {
                LOG.log(Level.INFO, "Waiting for the process that holds {0} to end ({1} s)",
                        new Object[]{lockFile, waited});
            }
            try {
                TimeUnit.MILLISECONDS.sleep(waited == 0 ? 50 : 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static boolean lockFree(Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            throw new IOException("this process already runs PostgreSQL on " + lockFile.getParent(), e);
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(command -> Path.of(command).getFileName().toString())
                .map(name -> name.startsWith("postgres") || name.startsWith("postmaster")).orElse(false);
    }

    /** Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT); waits for the postmaster to exit. */
    private static void stop(ProcessHandle postmaster) throws IOException {
        signal(postmaster, "INT");
        long started = System.nanoTime();
        boolean quitSent = false;
        while (postmaster.isAlive()) {
            long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            if (waited >= GIVE_UP_SECONDS) {
                throw new IOException("the earlier PostgreSQL (pid " + postmaster.pid() + ") did not stop within "
                        + GIVE_UP_SECONDS + " s; stop it by hand");
            }
            if (!quitSent && waited >= FAST_SHUTDOWN_SECONDS) {
                LOG.log(Level.WARNING, "PostgreSQL (pid {0}) is still stopping after {1} s; asking for an immediate "
                        + "shutdown", new Object[]{postmaster.pid(), waited});
                signal(postmaster, "QUIT");
                quitSent = true;
            }
            awaitExit(postmaster, started);
        }
        LOG.log(Level.INFO, "The earlier PostgreSQL (pid {0}) stopped after {1} ms", new Object[]{postmaster.pid(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)});
    }

    private static void awaitExit(ProcessHandle process, long started) throws IOException {
        try {
            process.onExit().get(PROGRESS_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.log(Level.INFO, "Waiting for the earlier PostgreSQL (pid {0}) to stop: {1} s",
                    new Object[]{process.pid(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)});
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("cannot wait for pid " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for pid " + process.pid(), e);
        }
    }

    /** Sends a signal with the system's {@code kill}; falls back to SIGTERM through the JDK if that fails. */
    private static void signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "kill -{0} failed: {1}", new Object[]{signal, e.toString()});
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
    }

    /**
     * Waits until no process is attached to the old server's System V shared memory segment (Linux only; elsewhere
     * PostgreSQL's own check answers, and the caller's retry covers it).
     */
    private static void awaitSharedMemoryReleased(PidFile old) throws IOException {
        if (old.shmId() < 0) {
            return;
        }
        long started = System.nanoTime();
        long lastReport = started;
        int attached;
        while ((attached = SharedMemory.attachCount(old.shmId())) > 0) {
            long now = System.nanoTime();
            if (TimeUnit.NANOSECONDS.toSeconds(now - started) >= GIVE_UP_SECONDS) {
                throw new IOException(attached + " processes of the earlier PostgreSQL still hold its shared memory "
                        + "(id " + old.shmId() + ") after " + GIVE_UP_SECONDS + " s; end them by hand");
            }
            if (now - lastReport >= TimeUnit.SECONDS.toNanos(PROGRESS_SECONDS) || lastReport == started) {
                LOG.log(Level.INFO, "Waiting for {0} processes of the earlier PostgreSQL to exit (they hold its "
                        + "shared memory)", attached);
                lastReport = now;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /**
     * What {@code postmaster.pid} says (PostgreSQL's {@code miscadmin.h}): line 1 the postmaster's pid, line 7 the
     * shared memory key and id.
     */
    record PidFile(long pid, long shmId) {

        static Optional<PidFile> read(Path dataDirectory) throws IOException {
            List<String> lines;
            try {
                lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty(); // being written, or truncated by the crash: PostgreSQL ignores it too
            }
            try {
                long pid = Long.parseLong(lines.get(0).trim());
                long shmId = -1;
                if (lines.size() >= 7) {
                    String[] shm = lines.get(6).trim().split("\\s+");
                    if (shm.length == 2) {
                        shmId = Long.parseLong(shm[1]);
                    }
                }
                return Optional.of(new PidFile(pid, shmId));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** The attach count of a System V shared memory segment, from {@code /proc/sysvipc/shm} (Linux). */
    static final class SharedMemory {

        private static final Path TABLE = Path.of("/proc/sysvipc/shm");

        private SharedMemory() {
        }

        /** Processes attached to segment {@code shmId}; 0 if it is gone or the table cannot be read. */
        static int attachCount(long shmId) {
            if (!Files.isReadable(TABLE)) {
                return 0;
            }
            try {
                List<String> lines = Files.readAllLines(TABLE, StandardCharsets.US_ASCII);
                // header: key shmid perms size cpid lpid nattch ...
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 6 && fields[1].equals(Long.toString(shmId))) {
                        return Integer.parseInt(fields[6]);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                LOG.log(Level.FINE, "cannot read {0}: {1}", new Object[]{TABLE, e.toString()});
            }
            return 0;
        }
    }
}
