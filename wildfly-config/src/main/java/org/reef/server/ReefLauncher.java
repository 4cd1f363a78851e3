package org.reef.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * <pre>java [-Dreef.nodes=N] org.reef.server.ReefLauncher &lt;wildfly home&gt; &lt;ear file&gt; &lt;server base dir&gt;</pre>
 *
 * The server base dir is a private copy of {@code standalone/} so that the run command's deployment never meets the
 * integration tests, which deploy through Arquillian into the provisioned server itself. With {@code reef.nodes} above
 * 1 it starts that many clustered nodes on the one database, each with a base dir of its own and its ports 100 above
 * the previous node's ({@link ReefNode#plan}); their console lines are prefixed with the node's name. A node that
 * dies leaves the others running; Ctrl-C stops them all, then PostgreSQL.
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
        List<ReefNode> nodes;
        try {
            nodes = ReefNode.plan(env, Integer.parseInt(System.getProperty("reef.nodes", "1").trim()), base);
        } catch (IllegalArgumentException e) {
            System.err.println("Cannot start Reef: " + e.getMessage());
            System.exit(2);
            return;
        }
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
        List<Process> servers = new ArrayList<>();
        for (ReefNode node : nodes) {
            prepareBaseDir(home, ear, node.baseDir());
            ProcessBuilder builder = new ProcessBuilder(node.command(home)).directory(home.toFile());
            builder.environment().putAll(node.environment(env));
            if (nodes.size() == 1) {
                builder.inheritIO();
            } else {
                builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT);
                LOG.info("Starting node " + node.id() + " (" + node.serverConfig() + ", port offset "
                        + node.portOffset() + ", base dir " + node.baseDir() + ")");
            }
            Process server = builder.start();
            if (nodes.size() > 1) {
                prefixLines(server, node.id());
            }
            servers.add(server);
        }
        EmbeddedDatabase db = database;
        long stopTimeout = shutdownTimeoutSeconds(env) + STOP_MARGIN_SECONDS;
        Runnable stopAll = () -> stop(servers, db, stopTimeout);
        stopInOrderOnSignals(stopAll);
        Runtime.getRuntime().addShutdownHook(new Thread(stopAll, "reef-launcher-stop"));
        int exit = 0;
        for (Process server : servers) {
            exit = Math.max(exit, server.waitFor());
        }
        stop(servers, db, stopTimeout);
        System.exit(exit);
    }

    /** Copies a node's console to ours, each line prefixed with its name, on a thread of its own. */
    private static void prefixLines(Process server, String id) {
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    System.out.println("[" + id + "] " + line);
                }
            } catch (IOException e) {
                LOG.fine("console of " + id + " closed: " + e);
            }
        }, "reef-launcher-console-" + id);
        pump.setDaemon(true);
        pump.start();
    }

    /** Copies the provisioned configuration and the EAR into the run's own server base dir. */
    public static void prepareBaseDir(Path home, Path ear, Path base) throws IOException {
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
     * Stops the WildFly nodes (SIGTERM to each server JVM and its start script, all at once: a graceful shutdown, in
     * which the adapter drains within REEF_SHUTDOWN_TIMEOUT), waits for them with a bound, then stops PostgreSQL, only
     * once they are gone, so that the last session writes reach it. Runs once, from the shutdown hook or when every
     * node exited by itself.
     */
    private static synchronized void stop(List<Process> servers, EmbeddedDatabase database, long stopTimeoutSeconds) {
        if (stopped) {
            return;
        }
        stopped = true;
        List<ProcessHandle> processes = new ArrayList<>();
        for (Process server : servers) {
            processes.addAll(server.descendants().toList());
            processes.add(server.toHandle());
        }
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
