package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.mqttv5.client.IMqttToken;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IM protocol under attack over MQTT, as a user with a standard MQTT client (Eclipse Paho) meets it, next to the
 * HTTP API: password guessing on CONNECT, other users' client ids, floods. Tests that may get their source address
 * throttled connect from their own loopback address ({@link FromAddress}).
 *
 * <p>The test server runs with REEF_LOGIN_FAILURES_PER_ACCOUNT=5 and REEF_LOGIN_FAILURES_PER_ADDRESS=20
 * (im-ear/pom.xml).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ImAdversarialIT {

    private final ImUsers users = new ImUsers();
    private final List<MqttClient> clients = new ArrayList<>();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void close() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
                client.close();
            } catch (MqttException e) {
                // already gone
            }
        }
        users.close();
    }

    @Test
    void passwordGuessingOverMqttLocksTheAccountsPasswordButNotItsTokens() throws Exception {
        String victim = users.register("victim");
        String token = users.token(victim);
        FromAddress attacker = new FromAddress("127.0.0.21");
        for (int i = 0; i < RestAdversarialIT.FAILURES_PER_ACCOUNT; i++) {
            int guess = i;
            MqttException refused = assertThrows(MqttException.class,
                    () -> connect(attacker, victim + "-guess" + guess, victim, "guess number " + guess));
            assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode());
        }
        MqttException locked = assertThrows(MqttException.class,
                () -> connect(attacker, victim + "-right", victim, ImUsers.PASSWORD));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, locked.getReasonCode(),
                "while locked, even the right password is refused as bad credentials (no hash is computed)");

        FromAddress.Answer rest = new FromAddress("127.0.0.22").post("/tokens",
                RestAdversarialIT.credentials(victim, ImUsers.PASSWORD));
        assertEquals(429, rest.status(), "the HTTP login says why: " + rest.body());

        MqttClient phone = connect(new FromAddress("127.0.0.23"), victim + "-phone", victim, token);
        assertTrue(phone.isConnected(), "a token still logs in: locking the password locks no device out");
    }

    /** Security review F5, steps 1 and 2: another user's client id, then that user's logout. */
    @Test
    void aLoginOnAnotherUsersClientIdChangesNothingOfTheirDevice() throws Exception {
        String bob = users.register("bob");
        String mallory = users.register("mallory");
        String alice = users.register("alice");
        String aliceToken = users.token(alice);
        ImUsers.Device phone = users.device(bob, users.token(bob), "phone");
        awaitOnline(bob, aliceToken);

        String malloryToken = users.token(mallory);
        MqttException refused = assertThrows(MqttException.class,
                () -> connect(new FromAddress("127.0.0.1"), bob + "-phone", mallory, malloryToken));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());

        JsonObject presence = presence(bob, aliceToken);
        assertTrue(presence.getBoolean("online"), "bob's presence is untouched: " + presence);
        assertEquals(1, presence.getInt("devices"));
        JsonArray sessions = Reef.json(Reef.get("/admin/sessions", adminToken()).body()).getJsonArray("items");
        assertTrue(sessions.stream().map(JsonValue::asJsonObject).anyMatch(d -> d.getString("clientId")
                .equals(bob + "-phone") && d.getString("username").equals(bob)), "still bob's device: " + sessions);

        assertEquals(204, Reef.delete("/tokens/current", malloryToken).statusCode());
        String text = "still there?";
        HttpResponse<String> sent = Reef.post("/conversations/" + dm(alice, bob) + "/messages", Json
                .createObjectBuilder().add("kind", "text").add("body", text).add("clientMsgId", "f5-1").build()
                .toString(), aliceToken);
        assertEquals(201, sent.statusCode(), sent.body());
        phone.await(event -> "message".equals(event.getString("type", "")) && text.equals(event.getString("body")));
        assertTrue(phone.client.isConnected(), "mallory's logout did not close bob's device");
    }

    /** Security review F5, step 3: a second account must not hide a device from an administrator's disable. */
    @Test
    void disablingAUserClosesTheirDevicesWhateverAnotherAccountTriedOnThem() throws Exception {
        String bob = users.register("bob");
        String bob2 = users.register("bobtwo");
        ImUsers.Device phone = users.device(bob, users.token(bob), "phone");
        MqttException refused = assertThrows(MqttException.class,
                () -> connect(new FromAddress("127.0.0.1"), bob + "-phone", bob2, users.token(bob2)));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());

        HttpResponse<String> disabled = Reef.post("/admin/users/" + bob + "/disable", "", adminToken());
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertEquals(1, Reef.json(disabled.body()).getInt("disconnected"), disabled.body());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (phone.client.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(phone.client.isConnected(), "the disabled user's device was closed");
    }

    /** Security review F13: the skeleton's chat/# topics stored every publish, anonymous ones included, forever. */
    @Test
    void chatTopicsArePlainPublishSubscribeAndStoreNothing() throws Exception {
        String topic = "chat/flood-" + UUID.randomUUID();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = Reef.mqttClient("sub-" + UUID.randomUUID());
        clients.add(subscriber);
        subscriber.subscribe(topic, 1, (t, message) ->
                received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        MqttClient flooder = Reef.mqttClient("anon-" + UUID.randomUUID()); // anonymous (the test server allows it)
        clients.add(flooder);
        for (int i = 0; i < 20; i++) {
            flooder.publish(topic, ("junk " + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("junk " + i, received.poll(15, TimeUnit.SECONDS), "relayed like any topic, in order");
        }
        String token = users.token(users.register("reader"));
        HttpResponse<String> stored = Reef.get("/messages?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8),
                token);
        assertEquals(404, stored.statusCode(), "no store of chat/ messages, no API to read one: " + stored.body());
    }

    /** Security review L2: receipts moved cursors (a locking transaction, relayed to members) without any limit. */
    @Test
    void receiptsCountAgainstTheSendRateLimit() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String conversation = dm(alice, bob);
        assertEquals(201, Reef.post("/conversations/" + conversation + "/messages", Json.createObjectBuilder()
                .add("kind", "text").add("body", "hi").add("clientMsgId", "l2-1").build().toString(),
                users.token(alice)).statusCode());
        try (Mqtt5Device device = new Mqtt5Device(bob, users.token(bob), "phone")) {
            JsonObject receipt = Json.createObjectBuilder().add("conversation", conversation).add("seq", 1)
                    .add("kind", "read").build();
            // REEF_SEND_BURST=600 on the test server: 600 receipts, pipelined, spend the burst
            // in windows well under half the server's Receive Maximum (64): Paho counts a publish in flight until
            // its callback thread catches up, a little after waitForCompletion returns
            for (int sent = 0; sent < 600; sent += 20) {
                List<IMqttToken> window = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    window.add(device.publish("im/receipt", receipt));
                }
                window.forEach(Mqtt5Device::reason);
            }
            int refused = 0;
            List<IMqttToken> more = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                more.add(device.publish("im/receipt", receipt));
            }
            for (IMqttToken token : more) {
                refused += Mqtt5Device.reason(token) == 0x97 ? 1 : 0;
            }
            assertTrue(refused >= 5, "at 1 per second after the burst, most of 10 more receipts are refused: "
                    + refused);
        }
    }

    /** Security review L3: presence listed every user, and showed users to those they had blocked. */
    @Test
    void presenceIsNeitherEnumerableNorVisibleToBlockedUsers() throws Exception {
        String bob = users.register("bob");
        String mallory = users.register("mallory");
        String alice = users.register("alice");
        String bobToken = users.token(bob);
        assertEquals(204, Reef.put("/users/me/blocks/" + mallory, "", bobToken).statusCode());
        users.device(bob, bobToken, "phone");
        String aliceToken = users.token(alice);
        awaitOnline(bob, aliceToken);

        String malloryToken = users.token(mallory);
        ImUsers.Device spy = users.device(mallory, malloryToken, "spy");
        for (String filter : List.of("im/presence/" + bob, "im/presence/+", "im/presence/#")) {
            int granted = spy.client.subscribeWithResponse(new String[]{filter}, new int[]{1}).getGrantedQos()[0];
            assertEquals(0x80, granted, filter);
        }
        assertFalse(presence(bob, malloryToken).getBoolean("online"), "bob is offline to the user he blocked");

        ImUsers.Device friend = users.device(alice, aliceToken, "phone");
        int granted = friend.client.subscribeWithResponse(new String[]{"im/presence/" + bob}, new int[]{1})
                .getGrantedQos()[0];
        assertEquals(1, granted, "anyone else sees bob by name");
        assertTrue(presence(bob, aliceToken).getBoolean("online"));
    }

    static String adminToken() throws Exception {
        HttpResponse<String> response = Reef.post("/tokens", RestAdversarialIT.credentials(ModerationIT.ADMIN,
                ModerationIT.ADMIN_PASSWORD), null);
        assertEquals(201, response.statusCode(), response.body());
        return Reef.json(response.body()).getString("token");
    }

    static String dm(String one, String other) {
        return one.compareTo(other) < 0 ? "dm:" + one + ":" + other : "dm:" + other + ":" + one;
    }

    private static JsonObject presence(String user, String token) throws Exception {
        HttpResponse<String> response = Reef.get("/presence?users=" + user, token);
        assertEquals(200, response.statusCode(), response.body());
        return Reef.json(response.body()).getJsonArray("items").getJsonObject(0);
    }

    private static void awaitOnline(String user, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!presence(user, token).getBoolean("online")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(user + " never came online");
            }
            Thread.sleep(50);
        }
    }

    private MqttClient connect(FromAddress from, String clientId, String username, String password)
            throws MqttException {
        MqttClient client = from.mqttClient(clientId);
        clients.add(client);
        client.connect(from.options(username, password));
        return client;
    }
}
