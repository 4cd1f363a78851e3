package org.reef.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The run command: starts the embedded PostgreSQL (unless {@code REEF_DB_URL} points to another database), then the
 * provisioned WildFly with the EAR deployed, in the foreground. Ctrl-C (or SIGTERM) stops WildFly, then PostgreSQL.
 *
 * <pre>java org.reef.server.ReefLauncher &lt;wildfly home&gt; &lt;ear file&gt; &lt;server base dir&gt;</pre>
 *
 * The server base dir is a private copy of {@code standalone/} so that the run command's deployment never meets the
 * integration tests, which deploy through Arquillian into the provisioned server itself.
 */
public final class ReefLauncher {

    private static final Logger LOG = Logger.getLogger(ReefLauncher.class.getName());
    /** How long WildFly may take to stop beyond the adapter's REEF_SHUTDOWN_TIMEOUT (the rest of the undeploy). */
    private static final long STOP_MARGIN_SECONDS = 30;

    private static boolean stopped;

    private ReefLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ReefLauncher <wildfly home> <ear file> <server base dir>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path ear = Path.of(args[1]).toAbsolutePath();
        Path base = Path.of(args[2]).toAbsolutePath();

        Map<String, String> env = new HashMap<>(System.getenv());
        EmbeddedDatabase database = null;
        if (blank(env.get("REEF_DB_URL"))) {
            Path dataDir = Path.of(env.getOrDefault("REEF_DATA_DIR",
                    Path.of(System.getProperty("user.home"), ".reef", "data").toString()));
            // Waits for an earlier run's server to go and for crash recovery, with progress on the console.
            database = EmbeddedDatabase.start(dataDir.resolve("postgres"),
                    Integer.parseInt(env.getOrDefault("REEF_DB_PORT", "0")), "reef", ProcessBuilder.Redirect.INHERIT);
            env.put("REEF_DB_URL", database.jdbcUrl());
            env.put("REEF_DB_USER", EmbeddedDatabase.USER);
            env.put("REEF_DB_PASSWORD", EmbeddedDatabase.PASSWORD);
        } else {
            LOG.info("Using the external database " + env.get("REEF_DB_URL"));
        }

        // standalone.sh then runs the server JVM in the background and forwards INT/TERM to it.
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        prepareBaseDir(home, ear, base);
        ProcessBuilder builder = new ProcessBuilder(List.of(home.resolve("bin/standalone.sh").toString(),
                "-c", "reef.xml", "--stability=community", "-Djboss.server.base.dir=" + base))
                .directory(home.toFile())
                .inheritIO();
        builder.environment().putAll(env);
        Process wildfly = builder.start();
        EmbeddedDatabase db = database;
        long stopTimeout = shutdownTimeoutSeconds(env) + STOP_MARGIN_SECONDS;
        Runnable stopAll = () -> stop(wildfly, db, stopTimeout);
        stopInOrderOnSignals(stopAll);
        Runtime.getRuntime().addShutdownHook(new Thread(stopAll, "reef-launcher-stop"));
        int exit = wildfly.waitFor();
        stop(wildfly, db, stopTimeout);
        System.exit(exit);
    }

    /** Copies the provisioned configuration and the EAR into the run's own server base dir. */
    static void prepareBaseDir(Path home, Path ear, Path base) throws IOException {
        Path configuration = base.resolve("configuration");
        Files.createDirectories(configuration);
        try (Stream<Path> files = Files.list(home.resolve("standalone/configuration"))) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.copy(file, configuration.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path deployments = base.resolve("deployments");
        Files.createDirectories(deployments);
        try (Stream<Path> stale = Files.list(deployments)) {
            for (Path marker : (Iterable<Path>) stale.filter(p -> p.getFileName().toString().startsWith("im-ear.ear."))::iterator) {
                Files.delete(marker);
            }
        }
        Files.copy(ear, deployments.resolve("im-ear.ear"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Ctrl-C, SIGTERM and SIGHUP stop WildFly first and PostgreSQL only after it, then exit. Left to the JVM, the
     * signal would run every shutdown hook at once, zonky's included, which stops PostgreSQL at the moment WildFly
     * begins its graceful shutdown: the deliveries WildFly lets finish and the persistent sessions the MQTT adapter
     * writes last would then fail. (zonky's hook still runs at exit, and finds PostgreSQL stopped.)
     */
    @SuppressWarnings("removal")
    private static void stopInOrderOnSignals(Runnable stopAll) {
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    Thread stopping = new Thread(() -> {
                        LOG.info("SIG" + signal.getName() + ": stopping WildFly, then PostgreSQL");
                        stopAll.run();
                        System.exit(128 + signal.getNumber());
                    }, "reef-launcher-signal");
                    stopping.start();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.fine("cannot handle SIG" + name + ": " + e.getMessage()); // e.g. ignored by the parent shell
            }
        }
    }

    /** REEF_SHUTDOWN_TIMEOUT (default 30), which bounds the adapter's part of the stop. */
    static long shutdownTimeoutSeconds(Map<String, String> env) {
        String value = env.get("REEF_SHUTDOWN_TIMEOUT");
        try {
            return blank(value) ? 30 : Math.max(1, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 30; // the adapter refuses the value and says so; the launcher just waits the default
        }
    }

    /**
     * Stops WildFly (SIGTERM to the server JVM and its start script: a graceful shutdown, in which the adapter drains
     * within REEF_SHUTDOWN_TIMEOUT), waits for it with a bound, then stops PostgreSQL, only once WildFly is gone, so
     * that the last session writes reach it. Runs once, from the shutdown hook or when WildFly exits by itself.
     */
    private static synchronized void stop(Process wildfly, EmbeddedDatabase database, long stopTimeoutSeconds) {
        if (stopped) {
            return;
        }
        stopped = true;
        List<ProcessHandle> processes = new ArrayList<>(wildfly.descendants().toList());
        processes.add(wildfly.toHandle());
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(stopTimeoutSeconds);
        for (ProcessHandle process : processes) {
            long left = deadline - System.nanoTime();
            try {
                process.onExit().get(Math.max(left, 1), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warning("WildFly did not stop in time; killing process " + process.pid());
                process.destroyForcibly();
            }
        }
        if (database != null) {
            try {
                database.close();
            } catch (IOException | RuntimeException e) {
                LOG.warning("Stopping the embedded PostgreSQL failed: " + e);
            }
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
