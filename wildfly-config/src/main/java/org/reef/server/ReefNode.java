package org.reef.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One WildFly node of the run command, derived from the {@code REEF_*} settings: its name ({@code REEF_NODE_ID}), its
 * port offset ({@code REEF_PORT_OFFSET} plus 100 per node before it), whether it runs the cluster configuration
 * ({@code REEF_CLUSTER}, implied by more than one node) and its own server base dir, so that nodes never share
 * {@code standalone/data} (transaction log, deployments' data) or {@code standalone/log}.
 *
 * @param id         the node's name: {@code -Djboss.node.name}, {@code REEF_NODE_ID}, the transaction node identifier
 * @param portOffset added to every port the node opens
 * @param cluster    runs {@code reef-ha.xml} (JGroups, discovery through the database) instead of {@code reef.xml}
 * @param baseDir    the node's {@code jboss.server.base.dir}
 */
public record ReefNode(String id, int portOffset, boolean cluster, Path baseDir) {

    /** What separates the ports of consecutive nodes. */
    public static final int PORT_STEP = 100;
    /** The MQTT ports the adapter takes as given: one value for every node would make them collide. */
    static final List<String> MQTT_PORTS = List.of("REEF_MQTT_PORT", "REEF_MQTT_TLS_PORT", "REEF_MQTT_WS_PORT",
            "REEF_MQTT_WSS_PORT");
    /** The highest offset that keeps WildFly's highest port (the cluster's failure detection, 57600) valid. */
    static final int MAX_PORT_OFFSET = 7900;

    /**
     * The nodes {@code mvn -Prun -Dreef.nodes=N} starts: N = 1 is one node named {@code REEF_NODE_ID} (default
     * {@code reef-1}) in {@code base}; N &gt; 1 are {@code reef-1 .. reef-N} in {@code base/../reef-cluster/reef-k},
     * clustered, node k on {@code REEF_PORT_OFFSET + 100·(k−1)}.
     *
     * @throws IllegalArgumentException for a setting that cannot work (a bad number, MQTT ports fixed for several
     *                                  nodes, an offset beyond the port range)
     */
    public static List<ReefNode> plan(Map<String, String> env, int nodes, Path base) {
        if (nodes < 1) {
            throw new IllegalArgumentException("reef.nodes must be at least 1: " + nodes);
        }
        int firstOffset = integer(env, "REEF_PORT_OFFSET", 0);
        if (firstOffset < 0) {
            throw new IllegalArgumentException("REEF_PORT_OFFSET must not be negative: " + firstOffset);
        }
        int lastOffset = firstOffset + PORT_STEP * (nodes - 1);
        if (lastOffset > MAX_PORT_OFFSET) {
            throw new IllegalArgumentException("REEF_PORT_OFFSET " + firstOffset + " with " + nodes
                    + " nodes gives offset " + lastOffset + ", beyond " + MAX_PORT_OFFSET
                    + " (the cluster transport's ports, up to 57600 + offset, would leave the valid range)");
        }
        if (nodes == 1) {
            String id = env.getOrDefault("REEF_NODE_ID", "");
            return List.of(new ReefNode(id.isBlank() ? "reef-1" : id.trim(), firstOffset,
                    bool(env, "REEF_CLUSTER"), base));
        }
        for (String name : MQTT_PORTS) {
            int port = integer(env, name, -1);
            if (port > 0) {
                throw new IllegalArgumentException(name + "=" + port + " would be the same port on all " + nodes
                        + " nodes: leave it unset (REEF_PORT_OFFSET moves all ports), or -1 (off), or 0 (free port)");
            }
        }
        List<ReefNode> plan = new ArrayList<>();
        Path clusterDir = base.resolveSibling("reef-cluster");
        for (int k = 1; k <= nodes; k++) {
            String id = "reef-" + k;
            plan.add(new ReefNode(id, firstOffset + PORT_STEP * (k - 1), true, clusterDir.resolve(id)));
        }
        return plan;
    }

    /** The configuration file the node starts with. */
    public String serverConfig() {
        return cluster ? "reef-ha.xml" : "reef.xml";
    }

    /** {@code bin/standalone.sh} with the node's configuration, name and base dir. */
    public List<String> command(Path home) {
        return List.of(home.resolve("bin/standalone.sh").toString(), "-c", serverConfig(), "--stability=community",
                "-Djboss.server.base.dir=" + baseDir, "-Djboss.node.name=" + id);
    }

    /** The node's environment: every shared {@code REEF_*} setting, and its own name, offset and mode. */
    public Map<String, String> environment(Map<String, String> shared) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("REEF_NODE_ID", id);
        env.put("REEF_PORT_OFFSET", String.valueOf(portOffset));
        env.put("REEF_CLUSTER", String.valueOf(cluster));
        return env;
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: '" + value + "'");
        }
    }

    private static boolean bool(Map<String, String> env, String name) {
        String value = env.getOrDefault(name, "").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "false" -> false;
            case "true" -> true;
            default -> throw new IllegalArgumentException(name + " must be true or false: '" + env.get(name) + "'");
        };
    }
}
