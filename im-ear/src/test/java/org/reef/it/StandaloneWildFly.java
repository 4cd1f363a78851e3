package org.reef.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.reef.server.ReefLauncher;
import org.reef.server.ReefNode;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A WildFly installed and run the way docs/deploying.md tells an operator to: the distribution zip unpacked, the
 * PostgreSQL module copied in from {@code reef-wildfly-setup.zip}, {@code configure-reef.cli} applied with
 * {@code jboss-cli.sh} (offline or online), {@code standalone.sh} started on a port offset, the EAR deployed with
 * {@code jboss-cli.sh}. No Arquillian: these are the operator's own commands, run as processes.
 *
 * <p>{@link #node} runs the server {@code wildfly-config} provisioned instead, as {@code mvn -Prun -Dreef.nodes=N}
 * runs each of its nodes ({@link ReefNode}): a base dir of its own, {@code -Djboss.node.name}, {@code REEF_NODE_ID},
 * {@code REEF_PORT_OFFSET}, {@code reef-ha.xml}, the EAR deployed by the deployment scanner at boot.
 *
 * <p>Every process it starts is killed when the test closes it, and by a JVM shutdown hook if the test never gets
 * that far.
 */
final class StandaloneWildFly implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StandaloneWildFly.class.getName());
    private static final Set<StandaloneWildFly> OPEN = ConcurrentHashMap.newKeySet();
    private static final long START_TIMEOUT_SECONDS = 240;
    private static final long CLI_TIMEOUT_SECONDS = 300;

    /**
     * Ports of standalone.xml and standalone-ha.xml that the socket-binding port offset moves, and the MQTT ports the
     * adapter moves by REEF_PORT_OFFSET.
     */
    private static final int[] OFFSET_TCP_PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713, 7600, 57600, 1883, 8083};
    private static final int[] OFFSET_UDP_PORTS = {55200, 54200, 45688, 45700, 23364};
    /** The highest offset that keeps standalone-ha.xml's JGroups ports (up to 57600) valid. */
    private static final int MAX_OFFSET = 7900;
    /** Offsets handed out in this JVM: two servers started together never get the same one. */
    private static final Set<Integer> TAKEN_OFFSETS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(StandaloneWildFly::kill),
                "standalone-wildfly-kill"));
    }

    private final Path distribution;
    private final Path home;
    private final Path logs;
    private final int portOffset;
    /** The run command's node this server is, or null for an unpacked distribution. */
    private final ReefNode node;
    private final Map<String, String> environment = new HashMap<>();
    private String serverConfig = "standalone.xml";
    private Process process;
    private int starts;

    private StandaloneWildFly(Path distribution, Path home, Path logs, int portOffset, ReefNode node) {
        this.distribution = distribution;
        this.home = home;
        this.logs = logs;
        this.portOffset = portOffset;
        this.node = node;
        OPEN.add(this);
    }

    /**
     * A cluster node {@code id} of the provisioned server {@code home}, in {@code dir} (emptied first): its own base
     * dir with {@code reef-ha.xml} and the EAR, on a free port offset given as {@code REEF_PORT_OFFSET}, which moves
     * WildFly's ports and the MQTT ports alike.
     */
    static StandaloneWildFly node(Path home, Path dir, String id, Path ear) throws IOException {
        deleteRecursively(dir);
        Path logs = dir.resolve("logs");
        Files.createDirectories(logs);
        ReefNode node = new ReefNode(id, freePortOffset(), true, dir.resolve("base"));
        ReefLauncher.prepareBaseDir(home, ear, node.baseDir());
        LOG.info("Node " + id + " of " + home + " in " + node.baseDir() + ", port offset " + node.portOffset());
        return new StandaloneWildFly(null, home, logs, node.portOffset(), node);
    }

    /** Step 1: unpacks the WildFly distribution into {@code dir} (emptied first), on a free port offset. */
    static StandaloneWildFly unpack(Path distribution, Path dir) throws IOException {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        unzip(distribution, dir);
        Path home;
        try (Stream<Path> entries = Files.list(dir)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("wildfly-")).findFirst()
                    .orElseThrow(() -> new IOException("no wildfly-* directory in " + distribution));
        }
        try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
            scripts.filter(p -> p.toString().endsWith(".sh")).forEach(p -> p.toFile().setExecutable(true));
        }
        Path logs = dir.resolve("logs");
        Files.createDirectories(logs);
        int offset = freePortOffset();
        LOG.info("WildFly unpacked in " + home + ", port offset " + offset);
        return new StandaloneWildFly(distribution, home, logs, offset, null);
    }

    /**
     * Step 2: unpacks {@code reef-wildfly-setup.zip} next to the server and copies its {@code modules/} into the
     * server's; returns the directory holding the CLI scripts.
     */
    Path installSetup(Path setupZip) throws IOException {
        Path dir = home.getParent().resolve("setup");
        deleteRecursively(dir);
        unzip(setupZip, dir);
        Path setup = dir.resolve("reef-wildfly-setup");
        Path modules = setup.resolve("modules");
        try (Stream<Path> files = Files.walk(modules)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path target = home.resolve("modules").resolve(modules.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return setup;
    }

    /**
     * Step 3, offline: applies a CLI script ({@code configure-reef.cli}, or {@code restore-reef.cli} to undo it) to
     * {@code serverConfig} in an embedded server, as one batch.
     */
    void configureOffline(String serverConfig, Path... scripts) throws IOException, InterruptedException {
        this.serverConfig = serverConfig;
        StringBuilder commands = new StringBuilder("--commands=embed-server --server-config=" + serverConfig
                + " --std-out=discard --stability=community");
        for (Path script : scripts) {
            commands.append(",run-batch --file=").append(script);
        }
        run("configure-offline", List.of(home.resolve("bin/jboss-cli.sh").toString(),
                commands.append(",stop-embedded-server").toString()));
    }

    /**
     * Step 3, online: applies a CLI script to the running server as one batch, then restarts it
     * ({@code shutdown --restart=true}: the transaction node identifier needs a new JVM) and waits for it.
     */
    void configureOnline(Path... scripts) throws IOException, InterruptedException {
        int before = startedCount();
        List<String> commands = new ArrayList<>();
        for (Path script : scripts) {
            commands.add("run-batch --file=" + script);
        }
        commands.add("shutdown --restart=true");
        cli(commands.toArray(String[]::new));
        awaitStarted(before);
    }

    /** The environment of the server process (REEF_* settings), applied at the next start. */
    StandaloneWildFly env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /**
     * Step 4: {@code bin/standalone.sh -c <config> --stability=community -Djboss.socket.binding.port-offset=<offset>},
     * until started.
     */
    void start(String serverConfig) throws IOException, InterruptedException {
        this.serverConfig = serverConfig;
        start();
    }

    /** Starts the server again with its configuration (after a stop or a kill). */
    void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        starts++;
        Path console = logs.resolve("console-" + starts + ".log");
        List<String> command = node != null ? node.command(home)
                : List.of(home.resolve("bin/standalone.sh").toString(), "-c", serverConfig, "--stability=community",
                        "-Djboss.socket.binding.port-offset=" + portOffset);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        // Only this server's settings: not the REEF_* the build sets for the Arquillian server.
        builder.environment().keySet().removeIf(name -> name.startsWith("REEF_"));
        builder.environment().putAll(node != null ? node.environment(environment) : environment);
        // The heap as the Arquillian server's; C1 only, which boots faster on a small machine.
        builder.environment().put("JAVA_OPTS", "-Xms256m -Xmx768m -XX:MaxMetaspaceSize=384m -XX:TieredStopAtLevel=1"
                + " -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true");
        long begin = System.nanoTime();
        process = builder.start();
        awaitStarted(0);
        String config = node != null ? node.id() + ", " + node.serverConfig() : serverConfig;
        LOG.info(() -> "WildFly started (" + config + ", start " + starts + ") in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms; console in " + console);
    }

    /** Runs {@code jboss-cli.sh --connect} with the given commands (comma-free each); fails unless it succeeds. */
    String cli(String... commands) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=remote+http://127.0.0.1:" + managementPort(), "--timeout=120000"));
        command.add("--commands=" + String.join(",", commands));
        return run("cli", command);
    }

    /** SIGKILL to the server JVM and its start script, at once: a crash, nothing is flushed or closed. */
    void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warning("process " + handle.pid() + " did not exit after SIGKILL: " + e);
            }
        }
    }

    /** A graceful stop: SIGTERM to the server JVM (what systemd or Ctrl-C does), SIGKILL after 60 s. */
    void stop() throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            LOG.warning("WildFly did not stop within 60 s; killing it");
        }
        kill();
    }

    @Override
    public void close() {
        kill();
        OPEN.remove(this);
    }

    Path home() {
        return home;
    }

    /** A file of the server as the distribution ships it, e.g. {@code standalone/configuration/standalone.xml}. */
    String stockFile(String relative) throws IOException {
        try (ZipFile zip = new ZipFile(distribution.toFile())) {
            ZipEntry entry = zip.getEntry(home.getFileName() + "/" + relative);
            if (entry == null) {
                throw new IOException(relative + " not in " + distribution);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    /** A file of this server now. */
    String file(String relative) throws IOException {
        return Files.readString(home.resolve(relative), StandardCharsets.UTF_8);
    }

    int httpPort() {
        return 8080 + portOffset;
    }

    int managementPort() {
        return 9990 + portOffset;
    }

    /** The MQTT TCP port of a {@link #node}: the default moved by REEF_PORT_OFFSET. */
    int mqttPort() {
        return 1883 + portOffset;
    }

    /** The last lines of the current start's console output, for failure messages. */
    String consoleTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logs.resolve("console-" + starts + ".log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no console: " + e + ")";
        }
    }

    /** A TCP port nobody listens on, for settings the offset does not move (MQTT). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitStarted(int startedBefore) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            String console = console();
            if (console.contains("WFLYSRV0026")) {
                throw new IllegalStateException("WildFly started with errors:\n" + consoleTail(60));
            }
            if (count(console, "WFLYSRV0025") > startedBefore) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("WildFly exited with " + process.exitValue() + ":\n"
                        + consoleTail(60));
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException("WildFly did not start within " + START_TIMEOUT_SECONDS + " s:\n"
                + consoleTail(60));
    }

    private int startedCount() throws IOException {
        return count(console(), "WFLYSRV0025");
    }

    private String console() throws IOException {
        return Files.readString(logs.resolve("console-" + starts + ".log"), StandardCharsets.UTF_8);
    }

    private static int count(String text, String marker) {
        int count = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length())) {
            count++;
        }
        return count;
    }

    private String run(String name, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(logs, name + "-", ".log");
        Process cli = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!cli.waitFor(CLI_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + CLI_TIMEOUT_SECONDS + " s: "
                        + command);
            }
        } finally {
            cli.descendants().forEach(ProcessHandle::destroyForcibly);
            cli.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (cli.exitValue() != 0) {
            throw new IllegalStateException(name + " failed (exit " + cli.exitValue() + "): " + command + "\n" + text);
        }
        return text;
    }

    /** An offset under which every port standalone(-ha).xml binds is free now (checked, not reserved). */
    private static int freePortOffset() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = 100 * ThreadLocalRandom.current().nextInt(10, MAX_OFFSET / 100);
            if (!TAKEN_OFFSETS.contains(offset) && portsFree(offset) && TAKEN_OFFSETS.add(offset)) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset found");
    }

    private static boolean portsFree(int offset) {
        for (int port : OFFSET_TCP_PORTS) {
            try (ServerSocket socket = new ServerSocket(port + offset, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        for (int port : OFFSET_UDP_PORTS) {
            try (java.net.DatagramSocket socket = new java.net.DatagramSocket(port + offset)) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static void unzip(Path zip, Path dir) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
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
