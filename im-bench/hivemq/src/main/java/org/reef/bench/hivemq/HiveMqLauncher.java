package org.reef.bench.hivemq;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs HiveMQ Community Edition embedded, as the second anchor of {@code im-bench/compare.sh}: a multi-threaded
 * JVM broker next to single-threaded Mosquitto.
 *
 * <pre>java [JVM options] -jar reef-hivemq.jar --port PORT --dir DIR [--max-queued N] [--bind ADDRESS]</pre>
 *
 * Writes {@code DIR/conf/config.xml} (see {@link HiveMqConfig}), keeps HiveMQ's data in {@code DIR/data} and its
 * (empty) extensions folder in {@code DIR/extensions}, starts the broker and prints {@code reef-hivemq: started}
 * once its listener accepts connections. SIGTERM (or Ctrl-C) stops the broker cleanly, bounded by
 * {@value #STOP_SECONDS} s, then the JVM exits. Exit status 1 when the broker fails to start, 2 on bad arguments.
 */
public final class HiveMqLauncher {

    static final int START_SECONDS = 120;
    static final int STOP_SECONDS = 60;
    private static final String PREFIX = "reef-hivemq: ";

    private HiveMqLauncher() {
    }

    public static void main(String[] args) {
        Map<String, String> options;
        HiveMqConfig config;
        Path dir;
        try {
            options = parse(args);
            dir = Path.of(required(options, "dir"));
            config = new HiveMqConfig(options.getOrDefault("bind", "127.0.0.1"), Integer.parseInt(required(options, "port")),
                    Long.parseLong(options.getOrDefault("max-queued", "1000")));
        } catch (IllegalArgumentException e) {
            System.err.println(PREFIX + e.getMessage());
            System.err.println("usage: java -jar reef-hivemq.jar --port PORT --dir DIR [--max-queued N] [--bind ADDRESS]");
            System.exit(2);
            return;
        }
        try {
            run(config, dir);
        } catch (IOException | ExecutionException | TimeoutException e) {
            System.err.println(PREFIX + "HiveMQ did not start: " + e);
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.err.println(PREFIX + "  caused by " + cause); // HiveMQ's own log above has the details
            }
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    private static void run(HiveMqConfig config, Path dir)
            throws IOException, ExecutionException, TimeoutException, InterruptedException {
        Path conf = dir.resolve("conf");
        Path data = dir.resolve("data");
        Path extensions = dir.resolve("extensions");
        Files.createDirectories(data);
        Files.createDirectories(extensions);
        Path file = config.writeTo(conf);
        System.out.println(PREFIX + "config " + file + ", data " + data + ", Java " + Runtime.version()
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");

        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(hivemq), "reef-hivemq-stop"));
        hivemq.start().get(START_SECONDS, TimeUnit.SECONDS);
        System.out.println(PREFIX + "started, MQTT on " + config.bindAddress() + ":" + config.port()
                + " (pid " + ProcessHandle.current().pid() + ")");
        // HiveMQ's own non-daemon threads keep the JVM running until SIGTERM runs the shutdown hook.
    }

    private static void stop(EmbeddedHiveMQ hivemq) {
        System.out.println(PREFIX + "stopping");
        try {
            hivemq.stop().get(STOP_SECONDS, TimeUnit.SECONDS);
            System.out.println(PREFIX + "stopped");
        } catch (TimeoutException e) {
            System.err.println(PREFIX + "HiveMQ did not stop within " + STOP_SECONDS + " s");
        } catch (ExecutionException e) {
            System.err.println(PREFIX + "stopping HiveMQ failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --name value} pairs; every option takes a value. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + name + "'");
            }
            switch (name.substring(2)) {
                case "port", "dir", "max-queued", "bind" -> options.put(name.substring(2), args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
