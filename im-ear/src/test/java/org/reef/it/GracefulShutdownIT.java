package org.reef.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, graceful shutdown: the application is undeployed while an MQTT 5 and an MQTT 3.1.1 client send as fast as
 * their windows allow, then deployed again. The MQTT 5 client is told DISCONNECT 0x8B (Server shutting down), the
 * 3.1.1 client is closed, the undeploy finishes within the shutdown timeout ({@code REEF_SHUTDOWN_TIMEOUT}, 30 s by
 * default), every acknowledged message is in the history afterwards, and no message refused with a reason code is.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GracefulShutdownIT {

    private static final long SHUTDOWN_TIMEOUT_SECONDS = 30;

    private final ImUsers users = new ImUsers();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @ArquillianResource
    private ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        users.close();
    }

    @Test
    void anUndeployUnderLoadTellsClientsLosesNothingAcknowledgedAndKeepsItsBound() throws Exception {
        String alice = users.register("alice");
        String carol = users.register("carol");
        String bob = users.register("bob");
        PacedSender v5 = PacedSender.mqtt5(alice, users.token(alice), bob, 40);
        clients.add(v5);
        PacedSender v311 = PacedSender.mqtt311(carol, users.token(carol), bob, 40);
        clients.add(v311);
        v5.awaitAcknowledged(20, 30_000);
        v311.awaitAcknowledged(20, 30_000);

        long started = System.nanoTime();
        execute("undeploy");
        long undeployed = System.nanoTime();
        System.out.printf("GracefulShutdownIT: undeploy under load took %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(undeployed - started));
        assertTrue(undeployed - started < TimeUnit.SECONDS.toNanos(SHUTDOWN_TIMEOUT_SECONDS),
                "the undeploy keeps the shutdown bound");
        awaitLost(v5);
        awaitLost(v311);
        assertEquals(0x8B, v5.disconnectReason(), "MQTT 5: DISCONNECT Server shutting down");
        assertEquals(-1, v311.disconnectReason(), "MQTT 3.1.1: closed (no server DISCONNECT in 3.1.1)");

        execute("deploy");
        awaitHealthy();

        Set<String> acknowledgedV5 = ids(v5, PacedSender.Send::acknowledged);
        Set<String> acknowledgedV311 = ids(v311, PacedSender.Send::acknowledged);
        Set<String> storedV5 = stored(alice);
        Set<String> storedV311 = stored(carol);
        System.out.printf("GracefulShutdownIT: MQTT 5 sent %d, acknowledged %d, refused %d; MQTT 3.1.1 sent %d, "
                        + "acknowledged %d%n", v5.sends().size(), acknowledgedV5.size(),
                v5.count(s -> s.answered() && !s.acknowledged()), v311.sends().size(), acknowledgedV311.size());
        assertTrue(storedV5.containsAll(acknowledgedV5), "every acknowledged MQTT 5 message is stored: missing "
                + acknowledgedV5.stream().filter(id -> !storedV5.contains(id)).toList());
        assertTrue(storedV311.containsAll(acknowledgedV311), "every acknowledged MQTT 3.1.1 message is stored: "
                + "missing " + acknowledgedV311.stream().filter(id -> !storedV311.contains(id)).toList());
        Set<String> refusedV5 = ids(v5, s -> s.answered() && !s.acknowledged());
        assertTrue(refusedV5.stream().noneMatch(storedV5::contains), "nothing refused (0x80) was stored: "
                + refusedV5.stream().filter(storedV5::contains).toList());

        // Back in service: a client connects again and its message is taken.
        try (Mqtt5Device again = new Mqtt5Device(alice, users.token(alice), "after")) {
            assertEquals(0, Mqtt5Device.reason(again.publish("im/send", jakarta.json.Json.createObjectBuilder()
                    .add("to", "user:" + bob).add("kind", "text").add("body", "back")
                    .add("clientMsgId", "after-redeploy").build())));
        }
    }

    private void execute(String operation) throws Exception {
        ModelNode op = new ModelNode();
        op.get("operation").set(operation);
        op.get("address").add("deployment", "im-ear.ear");
        ModelNode result = management.getControllerClient().execute(op);
        assertEquals("success", result.get("outcome").asString(), result.toString());
    }

    private static void awaitLost(PacedSender sender) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SHUTDOWN_TIMEOUT_SECONDS);
        while (!sender.connectionLost() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertTrue(sender.connectionLost(), sender.user() + ": the connection was closed");
    }

    private static void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                if (Reef.get("/health").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("the application did not come back within 120 s");
    }

    private static Set<String> ids(PacedSender sender, java.util.function.Predicate<PacedSender.Send> which) {
        return sender.sends().stream().filter(which).map(s -> s.clientMsgId)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> stored(String sender) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + System.getProperty("reef.test.db.port") + "/reef", "postgres", "postgres");
             PreparedStatement query = db.prepareStatement("select client_msg_id from message where sender = ?")) {
            query.setString(1, sender);
            Set<String> ids = new TreeSet<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                }
            }
            return ids;
        }
    }
}
