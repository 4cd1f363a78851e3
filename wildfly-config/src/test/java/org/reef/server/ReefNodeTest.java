package org.reef.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the run command turns the REEF_* settings and -Dreef.nodes into nodes. */
class ReefNodeTest {

    private static final Path BASE = Path.of("/work/target/reef-server");
    private static final Path HOME = Path.of("/opt/wildfly");

    @Test
    void oneNodeIsTodaysServer() {
        ReefNode node = ReefNode.plan(Map.of(), 1, BASE).get(0);
        assertEquals(new ReefNode("reef-1", 0, false, BASE), node);
        assertEquals("reef.xml", node.serverConfig());
        assertEquals(List.of("/opt/wildfly/bin/standalone.sh", "-c", "reef.xml", "--stability=community",
                "-Djboss.server.base.dir=" + BASE, "-Djboss.node.name=reef-1"), node.command(HOME));
    }

    @Test
    void oneNodeTakesItsSettings() {
        ReefNode node = ReefNode.plan(Map.of("REEF_NODE_ID", "eu-1", "REEF_PORT_OFFSET", "300",
                "REEF_CLUSTER", "true"), 1, BASE).get(0);
        assertEquals(new ReefNode("eu-1", 300, true, BASE), node);
        assertEquals("reef-ha.xml", node.serverConfig());
        assertTrue(node.command(HOME).contains("-Djboss.node.name=eu-1"));
        Map<String, String> env = node.environment(Map.of("REEF_DB_URL", "jdbc:postgresql://db/reef"));
        assertEquals("eu-1", env.get("REEF_NODE_ID"));
        assertEquals("300", env.get("REEF_PORT_OFFSET"));
        assertEquals("true", env.get("REEF_CLUSTER"));
        assertEquals("jdbc:postgresql://db/reef", env.get("REEF_DB_URL"), "shared settings reach every node");
    }

    @Test
    void severalNodesAreAClusterOneHundredPortsApartInBaseDirsOfTheirOwn() {
        List<ReefNode> nodes = ReefNode.plan(Map.of("REEF_PORT_OFFSET", "1000", "REEF_CLUSTER", "false"), 3, BASE);
        Path cluster = Path.of("/work/target/reef-cluster");
        assertEquals(List.of(new ReefNode("reef-1", 1000, true, cluster.resolve("reef-1")),
                new ReefNode("reef-2", 1100, true, cluster.resolve("reef-2")),
                new ReefNode("reef-3", 1200, true, cluster.resolve("reef-3"))), nodes,
                "more than one node implies REEF_CLUSTER=true");
    }

    @Test
    void severalNodesCannotShareAFixedMqttPort() {
        IllegalArgumentException fixed = assertThrows(IllegalArgumentException.class,
                () -> ReefNode.plan(Map.of("REEF_MQTT_PORT", "1883"), 2, BASE));
        assertTrue(fixed.getMessage().contains("REEF_MQTT_PORT"), fixed.getMessage());
        assertEquals(2, ReefNode.plan(Map.of("REEF_MQTT_WSS_PORT", "-1", "REEF_MQTT_PORT", "0"), 2, BASE).size(),
                "off and free ports are fine");
        assertEquals(1, ReefNode.plan(Map.of("REEF_MQTT_PORT", "1883"), 1, BASE).size());
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReefNode.plan(Map.of("REEF_CLUSTER", "yes"), 1, BASE)).getMessage().contains("REEF_CLUSTER"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReefNode.plan(Map.of("REEF_PORT_OFFSET", "ten"), 1, BASE)).getMessage()
                .contains("REEF_PORT_OFFSET"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReefNode.plan(Map.of("REEF_PORT_OFFSET", "7900"), 2, BASE)).getMessage().contains("7900"));
        assertThrows(IllegalArgumentException.class, () -> ReefNode.plan(Map.of(), 0, BASE));
        assertFalse(ReefNode.plan(Map.of("REEF_CLUSTER", "FALSE"), 1, BASE).get(0).cluster());
    }
}
