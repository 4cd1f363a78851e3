package org.reef.it;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cluster's foundation (issue 12): two WildFly processes of the provisioned server, started as
 * {@code mvn -Prun -Dreef.nodes=2} starts its nodes ({@code reef-ha.xml}, {@code REEF_NODE_ID}, {@code REEF_PORT_OFFSET},
 * a base dir each), on one PostgreSQL database and loopback, find each other through that database (JGroups'
 * JDBC_PING; no multicast, no list of peers) and form one cluster, as {@code GET /api/v1/cluster} shows on each. A node
 * killed with SIGKILL leaves the survivor's view within 10 s, and rejoins when started again, the survivor untouched.
 */
class ClusterIT {

    private static final Logger LOG = Logger.getLogger(ClusterIT.class.getName());
    /** The bound for the survivors to notice a node's loss. */
    private static final long LOSS_NOTICED_SECONDS = 10;
    private static final long VIEW_SECONDS = 60;

    @Test
    void twoNodesOnOneDatabaseFormOneClusterThatNoticesAKillAndTakesTheNodeBack() throws Exception {
        long begin = System.nanoTime();
        Path home = Path.of(System.getProperty("reef.test.server.home"));
        Path ear = Path.of(System.getProperty("reef.test.ear"));
        Path work = Path.of(System.getProperty("reef.test.work.dir"), "cluster-it");
        String database = ScratchDatabase.create("reef_cluster");
        try (StandaloneWildFly one = StandaloneWildFly.node(home, work.resolve("reef-1"), "reef-1", ear);
             StandaloneWildFly two = StandaloneWildFly.node(home, work.resolve("reef-2"), "reef-2", ear)) {
            for (StandaloneWildFly node : List.of(one, two)) {
                node.env("REEF_DB_URL", database)
                        .env("REEF_DB_USER", ScratchDatabase.USER)
                        .env("REEF_DB_PASSWORD", ScratchDatabase.PASSWORD)
                        .env("REEF_DB_POOL_SIZE", "8")
                        .env("REEF_MQTT_WS_PORT", "-1");
            }
            CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> start(two));
            start(one);
            starting.join();
            LOG.info(() -> "both nodes started in " + seconds(begin) + " s");

            awaitView(one, "reef-1", List.of("reef-1", "reef-2"), VIEW_SECONDS);
            awaitView(two, "reef-2", List.of("reef-1", "reef-2"), VIEW_SECONDS);
            assertMqttListens(one);
            assertMqttListens(two);
            LOG.info(() -> "one cluster of two after " + seconds(begin) + " s");

            two.kill();
            long killed = System.nanoTime();
            awaitView(one, "reef-1", List.of("reef-1"), LOSS_NOTICED_SECONDS);
            LOG.info(() -> "reef-1 noticed the kill of reef-2 in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed) + " ms");

            two.start();
            awaitView(two, "reef-2", List.of("reef-1", "reef-2"), VIEW_SECONDS);
            awaitView(one, "reef-1", List.of("reef-1", "reef-2"), VIEW_SECONDS);
            LOG.info(() -> "reef-2 rejoined; the test took " + seconds(begin) + " s");
        }
    }

    private static void start(StandaloneWildFly node) {
        try {
            node.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the node answers {@code GET /api/v1/cluster} with its name and these members (in any order). */
    private static void awaitView(StandaloneWildFly node, String id, List<String> members, long seconds)
            throws InterruptedException {
        ReefAt reef = new ReefAt(node.httpPort(), node.mqttPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = reef.get("/cluster", null);
                if (response.statusCode() == 200) {
                    JsonObject view = Reef.json(response.body());
                    assertEquals(id, view.getString("node"), "the node reports its REEF_NODE_ID");
                    assertTrue(view.getBoolean("clustered"), "the node runs reef-ha.xml");
                    List<String> seen = view.getJsonArray("members").getValuesAs(JsonString.class).stream()
                            .map(JsonString::getString).sorted().toList();
                    if (seen.equals(members)) {
                        return;
                    }
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        fail(id + " did not see members " + members + " within " + seconds + " s; last answer: " + last
                + "\n" + node.consoleTail(40));
    }

    /** REEF_PORT_OFFSET moved the node's MQTT listener too: it accepts on 1883 + offset. */
    private static void assertMqttListens(StandaloneWildFly node) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.mqttPort())) {
            assertTrue(socket.isConnected());
        }
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }
}
