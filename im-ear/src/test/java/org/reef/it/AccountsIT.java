package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accounts and tokens as a user meets them: register over HTTP, log in for a token, connect over MQTT with the
 * token or the password, see what is refused, and log out, which also disconnects the MQTT sessions of that token.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccountsIT {

    private final List<MqttClient> clients = new ArrayList<>();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void disconnect() {
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
    }

    @Test
    void registrationValidatesAndRefusesDuplicates() throws Exception {
        String name = user();
        HttpResponse<String> created = Reef.post("/users", register(name, "correct horse", "Alice A."), null);
        assertEquals(201, created.statusCode(), created.body());
        JsonObject user = Reef.json(created.body());
        assertEquals(name, user.getString("username"));
        assertEquals("Alice A.", user.getString("displayName"));
        assertNotNull(user.getString("createdAt"));
        assertTrue(created.body().indexOf("password") < 0, "the password is never echoed");

        HttpResponse<String> duplicate = Reef.post("/users", register(name, "another pass", "Other"), null);
        assertEquals(409, duplicate.statusCode());
        assertProblem(duplicate, "username_taken");

        assertEquals(400, Reef.post("/users", register("Bad Name!", "correct horse", "x"), null).statusCode());
        assertEquals(400, Reef.post("/users", register(user(), "short", "x"), null).statusCode());
        assertEquals(400, Reef.post("/users", "{\"username\":", null).statusCode());
    }

    @Test
    void aTokenOrThePasswordLogsIntoMqttAndWrongOnesAreRefused() throws Exception {
        String name = user();
        Reef.post("/users", register(name, "correct horse", "Bob"), null);
        String token = login(name, "correct horse");

        HttpResponse<String> bad = Reef.post("/tokens", credentials(name, "wrong horse"), null);
        assertEquals(401, bad.statusCode());
        assertProblem(bad, "bad_credentials");

        mqtt(name + "-phone", name, token);
        mqtt(name + "-laptop", name, "correct horse");
        MqttException refused = assertThrows(MqttException.class, () -> mqtt(name + "-x", name, "wrong horse"));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode());
        MqttException otherUsersToken = assertThrows(MqttException.class, () -> mqtt("y-" + name, user(), token));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, otherUsersToken.getReasonCode());

        HttpResponse<String> me = Reef.get("/users/" + name, token);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(401, Reef.get("/users/" + name, null).statusCode());
    }

    @Test
    void usersMaySubscribeToTheirOwnInboxAndToPresenceByNameOnly() throws Exception {
        String alice = user();
        String bob = user();
        Reef.post("/users", register(alice, "correct horse", "Alice"), null);
        Reef.post("/users", register(bob, "correct horse", "Bob"), null);
        MqttClient client = mqtt(alice + "-phone", alice, login(alice, "correct horse"));

        assertEquals(1, grantedQos(client, "im/inbox/" + alice));
        assertEquals(0x80, grantedQos(client, "im/inbox/" + bob));
        assertEquals(0x80, grantedQos(client, "im/#"));
        assertEquals(0x80, grantedQos(client, "#"));
        assertEquals(1, grantedQos(client, "im/presence/" + bob));
        assertEquals(0x80, grantedQos(client, "im/presence/+"), "presence by name only: it lists nobody");
        assertEquals(1, grantedQos(client, "sensors/#"), "topics outside im/ stay plain MQTT");
    }

    @Test
    void presenceFollowsTheDevicesAndLogoutDisconnectsTheTokensSessions() throws Exception {
        String alice = user();
        String watcher = user();
        Reef.post("/users", register(alice, "correct horse", "Alice"), null);
        Reef.post("/users", register(watcher, "correct horse", "Watcher"), null);
        String watcherToken = login(watcher, "correct horse");
        MqttClient watching = mqtt(watcher + "-phone", watcher, watcherToken);
        BlockingQueue<String> presence = new LinkedBlockingQueue<>();
        watching.subscribe("im/presence/" + alice, 1, (topic, message) ->
                presence.add(new String(message.getPayload(), StandardCharsets.UTF_8)));

        String token = login(alice, "correct horse");
        MqttClient phone = mqtt(alice + "-phone", alice, token);
        CountDownLatch lost = new CountDownLatch(1);
        phone.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken deliveryToken) {
            }
        });
        JsonObject online = awaitPresence(presence, true);
        assertEquals(1, online.getInt("devices"));
        JsonObject rest = Reef.json(Reef.get("/presence?users=" + alice, watcherToken).body())
                .getJsonArray("items").getJsonObject(0);
        assertTrue(rest.getBoolean("online"));
        assertEquals(1, rest.getInt("devices"));

        HttpResponse<String> logout = Reef.delete("/tokens/current", token);
        assertEquals(204, logout.statusCode(), logout.body());
        assertTrue(lost.await(15, TimeUnit.SECONDS), "the MQTT session of the revoked token was closed");
        awaitPresence(presence, false);
        assertEquals(401, Reef.get("/users/" + alice, token).statusCode(), "the revoked token is refused");
        MqttException revoked = assertThrows(MqttException.class, () -> mqtt(alice + "-tablet", alice, token));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, revoked.getReasonCode());
    }

    @Test
    void nobodyTakesOverAnotherUsersSessionOrPublishesAWillIntoIm() throws Exception {
        String bob = user();
        String mallory = user();
        Reef.post("/users", register(bob, "correct horse", "Bob"), null);
        Reef.post("/users", register(mallory, "correct horse", "Mallory"), null);
        MqttClient phone = mqtt(bob + "-phone", bob, login(bob, "correct horse"));

        MqttException takeover = assertThrows(MqttException.class,
                () -> mqtt(bob + "-phone", mallory, "correct horse"));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, takeover.getReasonCode());
        assertTrue(phone.isConnected(), "bob's device keeps its connection");

        MqttClient forger = new MqttClient(Reef.mqttUri(), mallory + "-forger", new MemoryPersistence());
        clients.add(forger);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(mallory);
        options.setPassword("correct horse".toCharArray());
        options.setWill("im/inbox/" + bob, "{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8), 1, true);
        MqttException will = assertThrows(MqttException.class, () -> forger.connect(options));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, will.getReasonCode());
    }

    private static JsonObject awaitPresence(BlockingQueue<String> presence, boolean online) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            String next = presence.poll(500, TimeUnit.MILLISECONDS);
            if (next != null) {
                JsonObject state = Reef.json(next);
                if (state.getBoolean("online") == online) {
                    return state;
                }
            }
        }
        throw new AssertionError("presence never became online=" + online);
    }

    private static int grantedQos(MqttClient client, String filter) throws MqttException {
        IMqttToken token = client.subscribeWithResponse(new String[]{filter}, new int[]{1});
        return token.getGrantedQos()[0];
    }

    private MqttClient mqtt(String clientId, String username, String password) throws MqttException {
        MqttClient client = new MqttClient(Reef.mqttUri(), clientId, new MemoryPersistence());
        client.setTimeToWait(15_000);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(15);
        options.setAutomaticReconnect(false);
        options.setUserName(username);
        options.setPassword(password.toCharArray());
        clients.add(client);
        client.connect(options);
        return client;
    }

    private static String login(String username, String password) throws Exception {
        HttpResponse<String> response = Reef.post("/tokens", credentials(username, password), null);
        assertEquals(201, response.statusCode(), response.body());
        JsonObject token = Reef.json(response.body());
        assertNotNull(token.getString("expiresAt"));
        return token.getString("token");
    }

    private static void assertProblem(HttpResponse<String> response, String code) {
        assertEquals("application/problem+json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(Reef.json(response.body()).getString("type").endsWith("/" + code), response.body());
    }

    private static String register(String username, String password, String displayName) {
        return Json.createObjectBuilder().add("username", username).add("password", password)
                .add("displayName", displayName).build().toString();
    }

    private static String credentials(String username, String password) {
        return Json.createObjectBuilder().add("username", username).add("password", password).build().toString();
    }

    private static String user() {
        return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
