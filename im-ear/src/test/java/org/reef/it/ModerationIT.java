package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttException;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Abuse control as users and administrators meet it: the send rate limit, blocking, the content filter, disabling
 * users, deleting messages; each refusal with its documented code, nothing stored, the connection still usable.
 * The test server runs with REEF_SEND_RATE=1 and REEF_SEND_BURST=600 (im-ear/pom.xml) and an administrator from
 * REEF_ADMIN_USERNAME/REEF_ADMIN_PASSWORD.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ModerationIT {

    static final String ADMIN = "reef-admin";
    static final String ADMIN_PASSWORD = "admin password for tests";

    private final ImUsers users = new ImUsers();
    private final List<Mqtt5Device> devices = new ArrayList<>();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void close() {
        devices.forEach(Mqtt5Device::close);
        users.close();
    }

    @Test
    void sendingFasterThanTheRateLimitIsRefusedWith0x97AndStoresNothing() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        Mqtt5Device device = device(alice, aliceToken);
        device.subscribe("im/inbox/" + alice, 1);
        JsonObject typing = Json.createObjectBuilder().add("to", "user:" + bob).add("kind", "typing").build();
        // pipelined (20 in flight), so that the burst is spent in well under a second of 1-token-per-second refill;
        // well under half the server's Receive Maximum (64), as Paho counts a publish in flight until its callback
        // thread catches up, a little after waitForCompletion returns
        int burstRefused = 0;
        for (int sent = 0; sent < 600; sent += 20) {
            List<org.eclipse.paho.mqttv5.client.IMqttToken> window = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                window.add(device.publish("im/send", typing)); // typing counts too, and stores nothing
            }
            for (org.eclipse.paho.mqttv5.client.IMqttToken token : window) {
                burstRefused += Mqtt5Device.reason(token) == 0x97 ? 1 : 0;
            }
        }
        List<org.eclipse.paho.mqttv5.client.IMqttToken> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.add(device.publish("im/send", text("user:" + bob, "m" + i, "rl-" + i)));
        }
        int accepted = 0;
        int refused = 0;
        for (org.eclipse.paho.mqttv5.client.IMqttToken token : texts) {
            int reason = Mqtt5Device.reason(token);
            if (reason == 0) {
                accepted++;
            } else {
                assertEquals(0x97, reason, "quota exceeded (0x96 is not a PUBACK reason code in MQTT 5)");
                refused++;
            }
        }
        assertTrue(refused >= 5, "at 1 message/s after a burst of 600, most of 10 more are refused: " + refused
                + " (refused in the burst: " + burstRefused + ")");
        assertTrue(device.client.isConnected(), "the connection stays usable");
        JsonObject error = awaitEvent(device, e -> e.getString("type").equals("error")
                && e.getString("code").equals("rate_limited") && e.getString("clientMsgId", "").startsWith("rl-"));
        assertTrue(error.getString("clientMsgId").startsWith("rl-"));
        HttpResponse<String> history = Reef.get("/conversations/" + enc(Conversation.of(alice, bob)) + "/messages",
                aliceToken);
        int stored = history.statusCode() == 404 ? 0
                : Reef.json(history.body()).getJsonArray("items").size();
        assertEquals(accepted, stored, "exactly the accepted messages are stored");

        // at 1 token a second, a slow moment since the last refusal may have refilled one: the next sends find none
        HttpResponse<String> overHttp = null;
        for (int i = 0; i < 3 && (overHttp == null || overHttp.statusCode() != 429); i++) {
            overHttp = Reef.post("/conversations/" + enc(Conversation.of(alice, bob)) + "/messages",
                    text(null, "over http", "rl-http-" + i).toString(), aliceToken);
        }
        assertEquals(429, overHttp.statusCode(), overHttp.body());
        assertTrue(overHttp.body().contains("rate_limited"));
        assertTrue(overHttp.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void aBlockedUserCannotMessageOrAddTheBlocker() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        ImUsers.Device aliceDevice = users.device(alice, aliceToken, "phone");
        ImUsers.Device bobDevice = users.device(bob, bobToken, "phone");

        assertEquals(204, Reef.put("/users/me/blocks/" + alice, "", bobToken).statusCode());
        JsonArray blocks = Reef.json(Reef.get("/users/me/blocks", bobToken).body()).getJsonArray("items");
        assertEquals(alice, blocks.getJsonObject(0).getString("username"));

        aliceDevice.publish("im/send", text("user:" + bob, "hello?", "b-1"));
        JsonObject error = aliceDevice.awaitType("error");
        assertEquals("blocked", error.getString("code"));
        assertEquals("b-1", error.getString("clientMsgId"));
        HttpResponse<String> group = Reef.post("/groups", Json.createObjectBuilder().add("name", "sneaky")
                .add("members", Json.createArrayBuilder().add(bob)).build().toString(), aliceToken);
        assertEquals(403, group.statusCode(), group.body());
        assertTrue(group.body().contains("blocked"));
        assertTrue(bobDevice.drain(300).isEmpty(), "the blocker learns nothing");
        assertEquals(404, Reef.get("/conversations/" + enc(Conversation.of(alice, bob)) + "/messages", bobToken)
                .statusCode(), "nothing stored");

        assertEquals(204, Reef.delete("/users/me/blocks/" + alice, bobToken).statusCode());
        aliceDevice.publish("im/send", text("user:" + bob, "hello again", "b-2"));
        assertEquals("hello again", bobDevice.awaitType("message").getString("body"));

        // the server now knows (and keeps) that bob blocks nobody: blocking again must reach that knowledge
        assertEquals(204, Reef.put("/users/me/blocks/" + alice, "", bobToken).statusCode());
        aliceDevice.publish("im/send", text("user:" + bob, "and again?", "b-3"));
        JsonObject again = aliceDevice.awaitType("error");
        assertEquals("blocked", again.getString("code"));
        assertEquals("b-3", again.getString("clientMsgId"));
        assertTrue(bobDevice.drain(300).isEmpty(), "nothing after the new block");
    }

    @Test
    void theContentFilterRefusesBannedContentAndOnlyAdminsManageIt() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        String adminToken = adminToken();
        String word = "zork" + UUID.randomUUID().toString().substring(0, 6);

        HttpResponse<String> notAdmin = Reef.post("/admin/content-filter", pattern(word), aliceToken);
        assertEquals(403, notAdmin.statusCode(), notAdmin.body());
        assertEquals(400, Reef.post("/admin/content-filter", pattern("(unclosed"), adminToken).statusCode());
        HttpResponse<String> added = Reef.post("/admin/content-filter", pattern(word + "\\w*"), adminToken);
        assertEquals(201, added.statusCode(), added.body());
        long id = Reef.json(added.body()).getJsonNumber("id").longValue();
        try {
            JsonArray rules = Reef.json(Reef.get("/admin/content-filter", adminToken).body()).getJsonArray("items");
            assertTrue(rules.stream().anyMatch(r -> r.asJsonObject().getJsonNumber("id").longValue() == id));

            ImUsers.Device aliceDevice = users.device(alice, aliceToken, "phone");
            aliceDevice.publish("im/send", text("user:" + bob, "what a " + word.toUpperCase() + "ish day", "c-1"));
            JsonObject error = aliceDevice.awaitType("error");
            assertEquals("content_rejected", error.getString("code"));
            HttpResponse<String> overHttp = Reef.post("/conversations/" + enc(Conversation.of(alice, bob))
                    + "/messages", text(null, "so " + word, "c-2").toString(), aliceToken);
            assertEquals(422, overHttp.statusCode(), overHttp.body());
            aliceDevice.publish("im/send", text("user:" + bob, "a clean message", "c-3"));
            assertEquals(1, aliceDevice.awaitType("ack").getJsonNumber("seq").longValue(),
                    "the refused messages took no seq");
        } finally {
            assertEquals(204, Reef.delete("/admin/content-filter/" + id, adminToken).statusCode());
        }
        HttpResponse<String> afterRemoval = Reef.post("/conversations/" + enc(Conversation.of(alice, bob))
                + "/messages", text(null, "so " + word, "c-4").toString(), aliceToken);
        assertEquals(201, afterRemoval.statusCode(), afterRemoval.body());
    }

    @Test
    void aDisabledUserIsDisconnectedAndLockedOutUntilEnabled() throws Exception {
        String carol = users.register("carol");
        String bob = users.register("bob");
        String carolToken = users.token(carol);
        String adminToken = adminToken();
        ImUsers.Device carolDevice = users.device(carol, carolToken, "phone");
        ImUsers.Device bobDevice = users.device(bob, users.token(bob), "phone");

        HttpResponse<String> sessions = Reef.get("/admin/sessions", adminToken);
        assertEquals(200, sessions.statusCode(), sessions.body());
        assertTrue(sessions.body().contains("\"" + carol + "-phone\""), sessions.body());
        assertEquals(403, Reef.get("/admin/sessions", carolToken).statusCode());
        bobDevice.publish("im/send", text("user:" + carol, "before", "d-0")); // the server now knows carol as enabled
        assertEquals("before", carolDevice.awaitType("message").getString("body"));

        HttpResponse<String> disabled = Reef.post("/admin/users/" + carol + "/disable", "", adminToken);
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertEquals(1, Reef.json(disabled.body()).getInt("disconnected"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (carolDevice.client.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(carolDevice.client.isConnected(), "disconnected at once");
        assertEquals(401, Reef.get("/conversations", carolToken).statusCode(), "tokens revoked");
        assertEquals(401, Reef.post("/tokens", Json.createObjectBuilder().add("username", carol)
                .add("password", ImUsers.PASSWORD).build().toString(), null).statusCode(), "cannot log in");
        MqttException refused = assertThrows(MqttException.class,
                () -> users.device(carol, ImUsers.PASSWORD, "laptop"));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode());
        bobDevice.publish("im/send", text("user:" + carol, "are you there?", "d-1"));
        assertEquals("unknown_recipient", bobDevice.awaitType("error").getString("code"));

        assertEquals(200, Reef.post("/admin/users/" + carol + "/enable", "", adminToken).statusCode());
        String fresh = users.token(carol);
        assertEquals(200, Reef.get("/conversations", fresh).statusCode());
        bobDevice.publish("im/send", text("user:" + carol, "welcome back", "d-2"));
        JsonObject ack = bobDevice.await(e -> "ack".equals(e.getString("type")) && "d-2".equals(
                e.getString("clientMsgId", "")));
        assertEquals(2, ack.getJsonNumber("seq").longValue(), "stored right after d-0, nothing between");
    }

    @Test
    void anAdministratorDeletesAMessageAndMembersSeeTheTombstone() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        ImUsers.Device aliceDevice = users.device(alice, aliceToken, "phone");
        ImUsers.Device bobDevice = users.device(bob, bobToken, "phone");
        aliceDevice.publish("im/send", text("user:" + bob, "something regrettable", "t-1"));
        JsonObject message = bobDevice.awaitType("message");
        String id = message.getString("id");

        assertEquals(403, Reef.delete("/admin/messages/" + id, aliceToken).statusCode());
        HttpResponse<String> deleted = Reef.delete("/admin/messages/" + id, adminToken());
        assertEquals(200, deleted.statusCode(), deleted.body());
        for (ImUsers.Device device : List.of(aliceDevice, bobDevice)) {
            JsonObject event = device.awaitType("message_deleted");
            assertEquals(id, event.getString("id"));
            assertEquals(1, event.getJsonNumber("seq").longValue());
            assertEquals(message.getString("conversation"), event.getString("conversation"));
        }
        JsonObject tombstone = Reef.json(Reef.get("/conversations/" + enc(message.getString("conversation"))
                + "/messages", bobToken).body()).getJsonArray("items").getJsonObject(0);
        assertEquals("deleted", tombstone.getString("kind"));
        assertEquals(jakarta.json.JsonValue.NULL, tombstone.get("body"));
        assertEquals(id, tombstone.getString("id"));

        HttpResponse<String> refusals = Reef.get("/admin/refusals", adminToken());
        assertEquals(200, refusals.statusCode(), refusals.body());
        assertTrue(Reef.json(refusals.body()).getJsonNumber("forbidden").longValue() >= 1, refusals.body());
    }

    private String adminToken() throws Exception {
        HttpResponse<String> response = Reef.post("/tokens", Json.createObjectBuilder().add("username", ADMIN)
                .add("password", ADMIN_PASSWORD).build().toString(), null);
        assertEquals(201, response.statusCode(), "the administrator from REEF_ADMIN_*: " + response.body());
        return Reef.json(response.body()).getString("token");
    }

    private Mqtt5Device device(String name, String token) throws Exception {
        Mqtt5Device device = new Mqtt5Device(name, token, "v5");
        devices.add(device);
        return device;
    }

    private static JsonObject awaitEvent(Mqtt5Device device, java.util.function.Predicate<JsonObject> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            JsonObject event = device.events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && condition.test(event)) {
                return event;
            }
        }
        throw new AssertionError("no matching event within 15 s");
    }

    private static String pattern(String regex) {
        return Json.createObjectBuilder().add("pattern", regex).build().toString();
    }

    private static JsonObject text(String to, String body, String clientMsgId) {
        var builder = Json.createObjectBuilder();
        if (to != null) {
            builder.add("to", to);
        }
        return builder.add("kind", "text").add("body", body).add("clientMsgId", clientMsgId).build();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Direct conversation ids. */
    private static final class Conversation {
        static String of(String one, String other) {
            return "dm:" + (one.compareTo(other) < 0 ? one + ":" + other : other + ":" + one);
        }
    }
}
