package org.reef.it;

import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, "PostgreSQL outage under load": the real test database is stopped for 30 s while an MQTT 5 and an MQTT
 * 3.1.1 client send. While it is down nothing is acknowledged (MQTT 5: PUBACK 0x80 with a reason string; 3.1.1: no
 * PUBACK at all), both clients stay connected, and within 10 s of its return sending works again; every
 * acknowledged message is stored, and what the clients send again of the rest is stored too, once.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DatabaseOutageIT {

    private static final long OUTAGE_SECONDS = 30;
    private static final long RECOVERY_BOUND_SECONDS = 10;

    private final ImUsers users = new ImUsers();

    @ArquillianResource
    private ManagementClient management;
    private final List<AutoCloseable> clients = new ArrayList<>();

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
    void aThirtySecondOutageUnderLoadAcknowledgesNothingKeepsClientsAndRecoversWithinTenSeconds() throws Exception {
        String alice = users.register("alice");
        String carol = users.register("carol");
        String bob = users.register("bob");
        ImUsers.Device bobPhone = users.device(bob, users.token(bob), "phone");
        PacedSender v5 = PacedSender.mqtt5(alice, users.token(alice), bob, 200);
        clients.add(v5);
        PacedSender v311 = PacedSender.mqtt311(carol, users.token(carol), bob, 200);
        clients.add(v311);
        v5.awaitAcknowledged(10, 30_000);
        v311.awaitAcknowledged(10, 30_000);

        TestDatabaseListener.stopDatabase();
        long down = System.nanoTime();
        long restarting;
        boolean v5Connected;
        boolean v311Connected;
        try {
            HttpResponse<String> ready = awaitReadiness(503, down + TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS - 5));
            assertEquals(503, ready.statusCode(), "not ready while the database is down: " + ready.body());
            assertTrue(ready.body().contains("reef-database"), ready.body());
            awaitElapsed(down, OUTAGE_SECONDS);
            v5Connected = v5.isConnected();
            v311Connected = v311.isConnected();
        } finally {
            restarting = System.nanoTime();
            TestDatabaseListener.startDatabase(); // whatever happened, the next tests get their database back
        }
        long up = System.nanoTime();
        assertTrue(v5Connected, "the MQTT 5 client stayed connected through the outage");
        assertTrue(v311Connected, "the MQTT 3.1.1 client stayed connected through the outage");

        HttpResponse<String> readyAgain = awaitReadiness(200, up + TimeUnit.SECONDS.toNanos(RECOVERY_BOUND_SECONDS));
        assertEquals(200, readyAgain.statusCode(), "ready again within 10 s: " + readyAgain.body());

        // Within 10 s of the database's return, a new message of each client is acknowledged.
        long recoveredV5 = awaitAcknowledgedProbe(v5, "v5-probe", up);
        long recoveredV311 = awaitAcknowledgedProbe(v311, "v311-probe", up);
        System.out.printf("DatabaseOutageIT: outage %d s; acknowledged again %d ms (MQTT 5) and %d ms (MQTT 3.1.1) "
                        + "after the database was back%n", TimeUnit.NANOSECONDS.toSeconds(restarting - down),
                TimeUnit.NANOSECONDS.toMillis(recoveredV5 - up), TimeUnit.NANOSECONDS.toMillis(recoveredV311 - up));
        v5.stopSending();
        v311.stopSending();

        // While it was down: MQTT 5 sends were refused with 0x80 and a reason; nothing at all was acknowledged.
        List<PacedSender.Send> v5During = during(v5, down, restarting);
        assertTrue(v5During.size() >= 20, "MQTT 5 kept sending during the outage: " + v5During.size());
        for (PacedSender.Send send : v5During) {
            assertTrue(send.answered(), send + ": every MQTT 5 send is answered");
            if (send.answeredNanos < restarting) {
                assertEquals(0x80, send.reason, send + ": refused while the database is down");
                assertNotNull(send.reasonString, send + ": with a reason string");
            }
        }
        List<PacedSender.Send> v311During = during(v311, down, restarting);
        assertTrue(v311During.size() >= 20, "MQTT 3.1.1 kept sending during the outage: " + v311During.size());
        for (PacedSender.Send send : v311During) {
            assertTrue(!send.answered() || send.answeredNanos > restarting,
                    send + ": no PUBACK for a 3.1.1 send while the database is down");
        }

        // Everything acknowledged is stored.
        assertStoredAtLeast(alice, v5);
        assertStoredAtLeast(carol, v311);

        // The clients send again what was not acknowledged (3.1.1 would on its next connection); then all is stored.
        resendUnacknowledged(v5);
        resendUnacknowledged(v311);
        assertEquals(ids(v5.sends()), stored(alice), "every MQTT 5 send stored exactly once in the end");
        assertEquals(ids(v311.sends()), stored(carol), "every MQTT 3.1.1 send stored exactly once in the end");

        // Delivery works again too: bob's phone gets the probes sent after the outage.
        JsonObject probe = bobPhone.await(e -> "v5-probe".equals(e.getString("clientMsgId", "")));
        assertEquals(alice, probe.getString("from"));
    }

    /** MicroProfile Health readiness on the management port, polled until it answers {@code status} or the deadline. */
    private HttpResponse<String> awaitReadiness(int status, long deadline) throws Exception {
        URI ready = URI.create("http://" + management.getMgmtAddress() + ":" + management.getMgmtPort()
                + "/health/ready");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        do {
            response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == status) {
                return response;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return response;
    }

    /** Sends probe messages every 250 ms until one is acknowledged; returns when that was (bounded by 10 s). */
    private static long awaitAcknowledgedProbe(PacedSender sender, String clientMsgId, long up) throws Exception {
        long deadline = up + TimeUnit.SECONDS.toNanos(RECOVERY_BOUND_SECONDS);
        while (System.nanoTime() < deadline) {
            PacedSender.Send probe = sender.publishNow(clientMsgId);
            PacedSender.awaitAnswer(probe, 250);
            if (probe.acknowledged()) {
                return probe.answeredNanos;
            }
        }
        throw new AssertionError(sender.user() + ": nothing acknowledged within " + RECOVERY_BOUND_SECONDS
                + " s of the database's return");
    }

    private static List<PacedSender.Send> during(PacedSender sender, long from, long to) {
        return sender.sends().stream().filter(s -> s.publishedNanos > from && s.publishedNanos < to).toList();
    }

    /** Sends each unacknowledged message again, one at a time (as a client's retry would), each acknowledged. */
    private static void resendUnacknowledged(PacedSender sender) throws Exception {
        for (PacedSender.Send send : sender.sends()) {
            if (!send.acknowledged()) {
                PacedSender.Send again = sender.publishNow(send.clientMsgId);
                assertTrue(PacedSender.awaitAnswer(again, 30_000), again + ": answered when sent again");
                assertEquals(0, again.reason, again + ": acknowledged when sent again");
            }
        }
    }

    private static void assertStoredAtLeast(String sender, PacedSender sends) throws SQLException {
        Set<String> acknowledged = sends.sends().stream().filter(PacedSender.Send::acknowledged)
                .map(s -> s.clientMsgId).collect(Collectors.toCollection(TreeSet::new));
        Set<String> stored = stored(sender);
        assertTrue(stored.containsAll(acknowledged), sender + ": acknowledged but not stored: "
                + acknowledged.stream().filter(id -> !stored.contains(id)).toList());
    }

    private static Set<String> ids(List<PacedSender.Send> sends) {
        return sends.stream().map(s -> s.clientMsgId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The clientMsgIds stored for a sender (straight from the database, as an operator would check). */
    private static Set<String> stored(String sender) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + System.getProperty("reef.test.db.port") + "/reef", "postgres", "postgres");
             PreparedStatement query = db.prepareStatement("select client_msg_id from message where sender = ?")) {
            query.setString(1, sender);
            Set<String> ids = new TreeSet<>();
            int rows = 0;
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                    rows++;
                }
            }
            assertEquals(rows, ids.size(), "no message stored twice");
            return ids;
        }
    }

    /** The outage itself: a deliberate wait while the clients go on sending. */
    private static void awaitElapsed(long since, long seconds) throws InterruptedException {
        long end = since + TimeUnit.SECONDS.toNanos(seconds);
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        }
    }
}
