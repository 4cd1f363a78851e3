package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message acknowledged to its sender is stored, whatever else shares its inbound batch. Sends are pipelined so that
 * valid ones and refused ones (to a user that does not exist) fall into the same batch transaction, in both orders,
 * over MQTT 3.1.1 and 5, from one connection and from several users' connections at once. Every acknowledged valid
 * send must be in the conversation's history, and every valid send must be acknowledged (not refused because a
 * neighbour was).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AcknowledgedMeansStoredIT {

    private static final int SENDS = 40;

    private final ImUsers users = new ImUsers();
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
    void mqtt311ValidThenRefusedInOneConnection() throws Exception {
        assertEveryValidSendStored(3, true);
    }

    @Test
    void mqtt311RefusedThenValidInOneConnection() throws Exception {
        assertEveryValidSendStored(3, false);
    }

    @Test
    void mqtt5ValidThenRefusedInOneConnection() throws Exception {
        assertEveryValidSendStored(5, true);
    }

    @Test
    void mqtt5RefusedThenValidInOneConnection() throws Exception {
        assertEveryValidSendStored(5, false);
    }

    /**
     * Two senders of valid messages and two of refused ones publish at the same time: the refused users' messages
     * share batches with the others' and must not take them down.
     */
    @Test
    void refusedSendsOfOtherUsersDoNotUndoAcknowledgedOnes() throws Exception {
        String bob = users.register("bob");
        List<Callable<Set<String>>> senders = new ArrayList<>();
        List<String> validSenders = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            String sender = users.register(s % 2 == 0 ? "alice" : "mallory");
            String token = users.token(sender);
            boolean valid = s % 2 == 0;
            if (valid) {
                validSenders.add(sender);
            }
            int protocol = s < 2 ? 3 : 5;
            senders.add(() -> {
                List<String> to = new ArrayList<>();
                for (int i = 0; i < SENDS; i++) {
                    to.add(valid ? "user:" + bob : "user:nosuch" + i);
                }
                return publishAll(protocol, sender, token, to);
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(senders.size());
        try {
            List<Future<Set<String>>> results = pool.invokeAll(senders, 2, TimeUnit.MINUTES);
            for (int s = 0; s < senders.size(); s++) {
                Set<String> acknowledged = results.get(s).get();
                if (s % 2 == 0) {
                    String sender = validSenders.get(s / 2);
                    assertEquals(SENDS, acknowledged.size(), sender + ": every valid send acknowledged");
                    assertEquals(new TreeSet<>(acknowledged), stored(sender, bob),
                            sender + ": what was acknowledged is what is stored");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A message that fails in the database (a trigger made for this test refuses its body) shares batches with valid
     * and refused ones: it alone is not acknowledged (MQTT 5: 0x80) and not stored; the valid ones are both, the
     * refused ones get their reason.
     */
    @Test
    void aMessageThatFailsInTheDatabaseFailsAloneAndTakesNothingDown() throws Exception {
        try (java.sql.Connection db = database(); java.sql.Statement sql = db.createStatement()) {
            sql.execute("create or replace function reef_test_poison() returns trigger language plpgsql as $$ "
                    + "begin if new.body like '%poison-pill%' then raise exception 'poisoned by a test'; end if; "
                    + "return new; end $$");
            sql.execute("drop trigger if exists reef_test_poison on message");
            sql.execute("create trigger reef_test_poison before insert on message for each row "
                    + "execute function reef_test_poison()");
            try {
                String alice = users.register("alice");
                String bob = users.register("bob");
                Mqtt5Device device = new Mqtt5Device(alice, users.token(alice), "poison");
                clients.add(device);
                List<IMqttToken> tokens = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    String to = i % 3 == 2 ? "user:nosuch" + i : "user:" + bob;
                    String body = i % 10 == 5 ? "a poison-pill " + i : "body " + i;
                    tokens.add(device.publish("im/send", Json.createObjectBuilder().add("to", to).add("kind", "text")
                            .add("body", body).add("clientMsgId", clientMsgId(i)).build()));
                }
                Set<String> expected = new TreeSet<>();
                for (int i = 0; i < tokens.size(); i++) {
                    int reason = Mqtt5Device.reason(tokens.get(i));
                    if (i % 3 == 2) {
                        assertEquals(0x83, reason, "send " + i + ": refused");
                    } else if (i % 10 == 5) {
                        assertEquals(0x80, reason, "send " + i + ": failed in the database, not acknowledged");
                    } else {
                        assertEquals(0x00, reason, "send " + i + ": valid, acknowledged");
                        expected.add(clientMsgId(i));
                    }
                }
                assertEquals(expected, stored(alice, bob), "exactly the acknowledged sends are stored");
            } finally {
                sql.execute("drop trigger if exists reef_test_poison on message");
                sql.execute("drop function if exists reef_test_poison()");
            }
        }
    }

    @Test
    void theEmbeddedDatabaseFlushesEveryCommitToDiskBeforeItIsAcknowledged() throws Exception {
        // the same launcher (EmbeddedDatabase) as the README's run command; zonky's own defaults turn both off
        try (java.sql.Connection db = database(); java.sql.Statement sql = db.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (java.sql.ResultSet row = sql.executeQuery("show " + setting)) {
                    row.next();
                    assertEquals("on", row.getString(1), setting);
                }
            }
        }
    }

    /** The test server's database, as its operator would reach it. */
    private static java.sql.Connection database() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + System.getProperty("reef.test.db.port") + "/reef", "postgres", "postgres");
    }

    private void assertEveryValidSendStored(int protocol, boolean validFirst) throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        List<String> to = new ArrayList<>();
        for (int i = 0; i < SENDS; i++) {
            to.add((i % 2 == 0) == validFirst ? "user:" + bob : "user:nosuch" + i);
        }
        Set<String> acknowledged = publishAll(protocol, alice, users.token(alice), to);

        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < SENDS; i++) {
            if (to.get(i).equals("user:" + bob)) {
                expected.add(clientMsgId(i));
            }
        }
        assertEquals(expected, new TreeSet<>(acknowledged), "every valid send is acknowledged, no refused one is");
        assertEquals(expected, stored(alice, bob), "every acknowledged send is stored");
    }

    /**
     * Publishes one text per recipient, all in flight at once, and waits for every acknowledgement; returns the
     * clientMsgIds that were accepted: for MQTT 5 the PUBACK reason code tells, for 3.1.1 (whose PUBACK carries no
     * verdict) the sends that got no error event on the sender's inbox.
     */
    private Set<String> publishAll(int protocol, String user, String token, List<String> recipients)
            throws Exception {
        Set<String> accepted = new HashSet<>();
        if (protocol == 5) {
            Mqtt5Device device = new Mqtt5Device(user, token, "batch");
            clients.add(device);
            List<IMqttToken> tokens = new ArrayList<>();
            for (int i = 0; i < recipients.size(); i++) {
                tokens.add(device.publish("im/send", text(recipients.get(i), clientMsgId(i))));
            }
            for (int i = 0; i < tokens.size(); i++) {
                int reason = Mqtt5Device.reason(tokens.get(i));
                if (reason == 0) {
                    accepted.add(clientMsgId(i));
                } else {
                    assertEquals(0x83, reason, "send " + i + " to " + recipients.get(i) + ": unknown recipient");
                }
            }
            return accepted;
        }
        MqttAsyncClient client = new MqttAsyncClient(Reef.mqttUri(), user + "-batch", new MemoryPersistence());
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                events.add(Reef.json(new String(message.getPayload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        options.setUserName(user);
        options.setPassword(token.toCharArray());
        client.connect(options).waitForCompletion(15_000);
        clients.add(() -> {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        });
        // error events go to the sending connection only
        client.subscribe("im/inbox/" + user, 1).waitForCompletion(15_000);
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            tokens.add(client.publish("im/send", text(recipients.get(i), clientMsgId(i)).toString()
                    .getBytes(StandardCharsets.UTF_8), 1, false));
        }
        for (IMqttDeliveryToken delivery : tokens) {
            delivery.waitForCompletion(30_000); // the PUBACK: 3.1.1 acknowledges refusals too
        }
        Set<String> refused = new HashSet<>();
        long expectedRefusals = recipients.stream().filter(r -> r.startsWith("user:nosuch")).count();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (refused.size() < expectedRefusals && System.nanoTime() < deadline) {
            JsonObject event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && "error".equals(event.getString("type", ""))) {
                assertEquals("unknown_recipient", event.getString("code"), event.toString());
                refused.add(event.getString("clientMsgId"));
            }
        }
        assertEquals(expectedRefusals, refused.size(), "an error event for every refused send: " + refused);
        for (int i = 0; i < recipients.size(); i++) {
            if (!refused.contains(clientMsgId(i))) {
                accepted.add(clientMsgId(i));
            }
        }
        return accepted;
    }

    /** The clientMsgIds of the conversation's stored messages. */
    private static Set<String> stored(String one, String other) throws Exception {
        String conversation = "dm:" + (one.compareTo(other) < 0 ? one + ":" + other : other + ":" + one);
        HttpResponse<String> history = Reef.get("/conversations/" + URLEncoder.encode(conversation,
                StandardCharsets.UTF_8) + "/messages?limit=200", new ImUsers().token(one));
        Set<String> ids = new TreeSet<>();
        if (history.statusCode() == 404) {
            return ids;
        }
        assertEquals(200, history.statusCode(), history.body());
        for (JsonValue item : Reef.json(history.body()).getJsonArray("items")) {
            ids.add(item.asJsonObject().getString("clientMsgId"));
        }
        assertTrue(ids.size() <= SENDS, "no duplicates");
        return ids;
    }

    private static String clientMsgId(int i) {
        return "send-" + String.format("%02d", i);
    }

    private static JsonObject text(String to, String clientMsgId) {
        return Json.createObjectBuilder().add("to", to).add("kind", "text").add("body", "body of " + clientMsgId)
                .add("clientMsgId", clientMsgId).build();
    }
}
