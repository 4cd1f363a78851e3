package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group chat as its members meet it: a 50-member group with two devices each, concurrent senders, offline members,
 * history and unread counts; members added and removed mid-conversation; roles (docs/protocol.md, "Groups").
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GroupChatIT {

    private final ImUsers users = new ImUsers();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void close() {
        users.close();
    }

    @Test
    void fiftyMembersOnTwoDevicesEachGetEveryMessageOnceInSeqOrder() throws Exception {
        int size = 50;
        int offline = 5;
        List<String> names = registerAll("g", size);
        Map<String, String> tokens = new HashMap<>();
        for (String name : names) {
            tokens.put(name, users.token(name));
        }
        String owner = names.get(0);
        JsonObject group = createGroup(tokens.get(owner), "fifty", names.subList(1, size));
        assertEquals(size, group.getJsonArray("members").size());
        String conversation = group.getString("conversation");
        assertEquals("group:" + group.getString("id"), conversation);

        List<ImUsers.Device> online = new ArrayList<>();
        Map<String, ImUsers.Device> firstDevice = new HashMap<>();
        for (String name : names.subList(0, size - offline)) {
            ImUsers.Device phone = users.device(name, tokens.get(name), "phone");
            online.add(phone);
            online.add(users.device(name, tokens.get(name), "laptop"));
            firstDevice.put(name, phone);
        }
        // the last members' devices have persistent sessions, and go away before anything is sent
        for (String name : names.subList(size - offline, size)) {
            for (String deviceName : List.of("phone", "laptop")) {
                users.device(name, tokens.get(name), deviceName, false, true).client.disconnect();
            }
        }

        // ten members send at once, each from their phone
        List<String> senders = names.subList(1, 11);
        ExecutorService pool = Executors.newFixedThreadPool(senders.size());
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (String sender : senders) {
                sends.add(pool.submit((Callable<Void>) () -> {
                    firstDevice.get(sender).publish("im/send", send(conversation, "hello from " + sender, "g-" + sender));
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        int expected = 1 + senders.size(); // group_created, then the ten messages

        for (ImUsers.Device device : online) {
            boolean sentFromHere = senders.contains(device.username) && device == firstDevice.get(device.username);
            List<JsonObject> messages = textMessages(device, conversation,
                    sentFromHere ? senders.size() - 1 : senders.size());
            if (sentFromHere) {
                assertTrue(messages.stream().noneMatch(m -> m.getString("clientMsgId").equals("g-" + device.username)),
                        "the sending device gets the ack, not a copy");
            }
        }

        // the offline members come back and find everything, in order
        for (String name : names.subList(size - offline, size)) {
            for (String deviceName : List.of("phone", "laptop")) {
                ImUsers.Device device = users.device(name, tokens.get(name), deviceName, false, false);
                assertTrue(device.sessionPresent);
                textMessages(device, conversation, senders.size());
            }
        }

        // history and unread counts, per member
        JsonArray history = Reef.json(Reef.get("/conversations/" + enc(conversation) + "/messages?limit=100",
                tokens.get(names.get(30))).body()).getJsonArray("items");
        assertEquals(expected, history.size());
        for (int i = 0; i < expected; i++) {
            assertEquals(i + 1, history.getJsonObject(i).getJsonNumber("seq").longValue());
        }
        assertEquals(expected, unread(tokens.get(names.get(30)), conversation), "everything is unread");
        assertEquals(expected - 1, unread(tokens.get(names.get(1)), conversation), "all but their own");
        assertEquals(expected - 1, unread(tokens.get(owner), conversation), "all but the group_created of the owner");
        HttpResponse<String> read = Reef.post("/conversations/" + enc(conversation) + "/read",
                "{\"seq\":" + expected + "}", tokens.get(names.get(30)));
        assertEquals(204, read.statusCode(), read.body());
        assertEquals(0, unread(tokens.get(names.get(30)), conversation));
        assertEquals(expected - 1, unread(tokens.get(names.get(1)), conversation), "cursors are per member");
    }

    @Test
    void addedMembersReadFromTheirJoiningAndRemovedOnesStopReceiving() throws Exception {
        List<String> names = registerAll("m", 3);
        String alice = names.get(0);
        String bob = names.get(1);
        String carol = names.get(2);
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        String carolToken = users.token(carol);
        JsonObject group = createGroup(aliceToken, "team", List.of(bob));
        String id = group.getString("id");
        String conversation = group.getString("conversation");
        ImUsers.Device aliceDevice = users.device(alice, aliceToken, "laptop");
        ImUsers.Device bobDevice = users.device(bob, bobToken, "phone");
        ImUsers.Device carolDevice = users.device(carol, carolToken, "phone");

        aliceDevice.publish("im/send", send(conversation, "before carol", "a-1"));
        assertEquals(2, aliceDevice.awaitType("ack").getJsonNumber("seq").longValue());

        HttpResponse<String> bobAdds = Reef.post("/groups/" + id + "/members", members(carol), bobToken);
        assertEquals(403, bobAdds.statusCode(), "members do not add others: " + bobAdds.body());
        HttpResponse<String> added = Reef.post("/groups/" + id + "/members", members(carol), aliceToken);
        assertEquals(200, added.statusCode(), added.body());
        JsonObject joined = carolDevice.awaitType("message");
        assertEquals(3, joined.getJsonNumber("seq").longValue());
        assertEquals("system", joined.getString("kind"));
        assertEquals(Json.createObjectBuilder().add("event", "member_added").add("by", alice)
                .add("users", Json.createArrayBuilder().add(carol)).build(), joined.getJsonObject("body"));

        bobDevice.publish("im/send", send(conversation, "welcome carol", "b-1"));
        JsonObject welcome = carolDevice.awaitType("message");
        assertEquals(4, welcome.getJsonNumber("seq").longValue());
        assertEquals(List.of(3L, 4L), seqs(history(carolToken, conversation)), "carol reads from her joining on");

        HttpResponse<String> removed = Reef.delete("/groups/" + id + "/members/" + bob, aliceToken);
        assertEquals(200, removed.statusCode(), removed.body());
        JsonObject removal = bobDevice.await(e -> e.getString("type").equals("message")
                && e.getString("kind").equals("system")
                && e.getJsonObject("body").getString("event").equals("member_removed"));
        assertEquals("member_removed", removal.getJsonObject("body").getString("event"));
        assertEquals(5, removal.getJsonNumber("seq").longValue());

        aliceDevice.publish("im/send", send(conversation, "after bob", "a-2"));
        assertEquals("after bob", carolDevice.await(e -> e.getInt("seq", 0) == 6).getString("body"));
        assertTrue(bobDevice.drain(500).stream().noneMatch(e -> e.getString("type").equals("message")),
                "a removed member receives nothing after the removal");
        HttpResponse<String> bobHistory = Reef.get("/conversations/" + enc(conversation) + "/messages", bobToken);
        assertEquals(403, bobHistory.statusCode());
        assertTrue(bobHistory.body().contains("not_a_member"), bobHistory.body());

        bobDevice.publish("im/send", send(conversation, "let me in", "b-2"));
        JsonObject error = bobDevice.awaitType("error");
        assertEquals("not_a_member", error.getString("code"));
        assertEquals("b-2", error.getString("clientMsgId"));

        List<JsonObject> all = history(aliceToken, conversation);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seqs(all), "nothing stored for the refused send");
        assertEquals(List.of("system", "text", "system", "text", "system", "text"),
                all.stream().map(m -> m.getString("kind")).toList(), "system messages in order");
    }

    @Test
    void rolesRenameLeaveAndDelete() throws Exception {
        List<String> names = registerAll("r", 3);
        String alice = names.get(0);
        String bob = names.get(1);
        String carol = names.get(2);
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        String id = createGroup(aliceToken, "roles", List.of(bob, carol)).getString("id");

        assertEquals(List.of(bob, carol, alice).stream().sorted().toList(), memberNames(mine(bobToken, id)));
        HttpResponse<String> lastOwner = Reef.post("/groups/" + id + "/leave", "", aliceToken);
        assertEquals(409, lastOwner.statusCode(), lastOwner.body());
        assertTrue(lastOwner.body().contains("last_owner"));
        assertEquals(403, Reef.delete("/groups/" + id, bobToken).statusCode(), "members do not delete");
        assertEquals(403, Reef.put("/groups/" + id + "/members/" + carol, "{\"role\":\"admin\"}", bobToken)
                .statusCode(), "members do not change roles");

        HttpResponse<String> stepDown = Reef.put("/groups/" + id + "/members/" + alice, "{\"role\":\"member\"}",
                aliceToken);
        assertEquals(409, stepDown.statusCode(), "the last owner cannot step down: " + stepDown.body());
        assertTrue(stepDown.body().contains("last_owner"));
        HttpResponse<String> promoted = Reef.put("/groups/" + id + "/members/" + bob, "{\"role\":\"owner\"}",
                aliceToken);
        assertEquals(200, promoted.statusCode(), promoted.body());
        HttpResponse<String> renamed = Reef.patch("/groups/" + id, "{\"name\":\"renamed\"}", bobToken);
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("renamed", Reef.json(renamed.body()).getString("name"));
        assertEquals(204, Reef.post("/groups/" + id + "/leave", "", aliceToken).statusCode());
        assertEquals(404, Reef.get("/groups/" + id, aliceToken).statusCode(), "a former member sees nothing");
        assertEquals(List.of(bob, carol).stream().sorted().toList(), memberNames(mine(bobToken, id)));

        List<JsonObject> history = history(bobToken, "group:" + id);
        assertEquals(List.of("group_created", "role_changed", "renamed", "member_left"),
                history.stream().map(m -> m.getJsonObject("body").getString("event")).toList());

        assertEquals(204, Reef.delete("/groups/" + id, bobToken).statusCode());
        assertEquals(404, Reef.get("/groups/" + id, bobToken).statusCode());
        HttpResponse<String> invalid = Reef.post("/groups", "{\"name\":\"\"}", bobToken);
        assertEquals(400, invalid.statusCode(), invalid.body());
    }

    @Test
    void aClientIdThatChangesHandsGetsOnlyItsNewUsersMessages() throws Exception {
        List<String> names = registerAll("h", 3);
        String alice = names.get(0);
        String bob = names.get(1);
        String carol = names.get(2);
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        String carolToken = users.token(carol);
        String aliceGroup = createGroup(aliceToken, "alice's", List.of(carol)).getString("conversation");
        String bobGroup = createGroup(bobToken, "bob's", List.of(carol)).getString("conversation");
        String shared = "shared-" + UUID.randomUUID().toString().substring(0, 8);

        // alice's persistent session (expiring after 1 s) on a client id that bob uses once it expired
        java.util.concurrent.BlockingQueue<JsonObject> aliceEvents = new java.util.concurrent.LinkedBlockingQueue<>();
        org.eclipse.paho.mqttv5.client.MqttClient first = v5(shared, alice, aliceToken, aliceEvents);
        assertTrue(aliceEvents.poll(15, TimeUnit.SECONDS) != null, "alice's device gets her group_created");
        first.disconnect();
        first.close();
        Thread.sleep(2_500);
        java.util.concurrent.BlockingQueue<JsonObject> bobEvents = new java.util.concurrent.LinkedBlockingQueue<>();
        org.eclipse.paho.mqttv5.client.MqttClient second = v5(shared, bob, bobToken, bobEvents);
        try {
            JsonObject created = bobEvents.poll(15, TimeUnit.SECONDS);
            assertTrue(created != null && created.getString("conversation").equals(bobGroup), "bob's group_created");
            ImUsers.Device carolDevice = users.device(carol, carolToken, "phone");
            carolDevice.publish("im/send", send(aliceGroup, "for alice", "x-1"));
            carolDevice.awaitType("ack");
            carolDevice.publish("im/send", send(bobGroup, "for bob", "x-2"));
            JsonObject next = bobEvents.poll(15, TimeUnit.SECONDS);
            assertTrue(next != null, "bob gets carol's message");
            assertEquals("for bob", next.getString("body"), "nothing of alice's reaches the client id bob now uses");
        } finally {
            second.disconnect();
            second.close();
        }
    }

    /** An MQTT 5 device with a persistent session that expires 1 s after it disconnects, on its user's inbox. */
    private static org.eclipse.paho.mqttv5.client.MqttClient v5(String clientId, String username, String token,
            java.util.concurrent.BlockingQueue<JsonObject> events) throws Exception {
        org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
                Reef.mqttUri(), clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions options =
                new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSessionExpiryInterval(1L);
        options.setUserName(username);
        options.setPassword(token.getBytes(StandardCharsets.UTF_8));
        client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                events.add(Reef.json(new String(message.getPayload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode,
                                          org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
            }
        });
        client.connect(options);
        client.subscribe("im/inbox/" + username, 1);
        return client;
    }

    private List<String> registerAll(String prefix, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> users.register(prefix)));
            }
            List<String> names = new ArrayList<>();
            for (Future<String> future : futures) {
                names.add(future.get(120, TimeUnit.SECONDS));
            }
            return names;
        } finally {
            pool.shutdown();
        }
    }

    private static JsonObject createGroup(String token, String name, List<String> members) throws Exception {
        JsonArrayBuilder array = Json.createArrayBuilder();
        members.forEach(array::add);
        HttpResponse<String> created = Reef.post("/groups", Json.createObjectBuilder().add("name", name)
                .add("members", array).build().toString(), token);
        assertEquals(201, created.statusCode(), created.body());
        return Reef.json(created.body());
    }

    private static JsonObject mine(String token, String id) throws Exception {
        JsonArray items = Reef.json(Reef.get("/groups", token).body()).getJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
            if (items.getJsonObject(i).getString("id").equals(id)) {
                return items.getJsonObject(i);
            }
        }
        throw new AssertionError("group " + id + " not listed: " + items);
    }

    private static List<String> memberNames(JsonObject group) {
        return group.getJsonArray("members").stream().map(m -> m.asJsonObject().getString("username")).sorted()
                .toList();
    }

    private static String members(String... names) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (String name : names) {
            array.add(name);
        }
        return Json.createObjectBuilder().add("members", array).build().toString();
    }

    /**
     * The next {@code count} text messages of the conversation, then a little more time to catch duplicates; asserts
     * that there are exactly {@code count}, in increasing seq order.
     */
    private static List<JsonObject> textMessages(ImUsers.Device device, String conversation, int count)
            throws InterruptedException {
        List<JsonObject> messages = new ArrayList<>();
        java.util.function.Predicate<JsonObject> text = e -> e.getString("type").equals("message")
                && e.getString("conversation").equals(conversation) && e.getString("kind").equals("text");
        while (messages.size() < count) {
            messages.add(device.await(text));
        }
        device.drain(50).stream().filter(text).forEach(messages::add);
        assertEquals(count, messages.size(), device.username + ": exactly once each");
        List<Long> seqs = seqs(messages);
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), device.username + ": not in seq order: " + seqs);
        }
        return messages;
    }

    private static List<JsonObject> history(String token, String conversation) throws Exception {
        HttpResponse<String> response = Reef.get("/conversations/" + enc(conversation) + "/messages?limit=100", token);
        assertEquals(200, response.statusCode(), response.body());
        return Reef.json(response.body()).getJsonArray("items").stream().map(v -> v.asJsonObject()).toList();
    }

    private static List<Long> seqs(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
    }

    private static long unread(String token, String conversation) throws Exception {
        JsonArray items = Reef.json(Reef.get("/conversations", token).body()).getJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.getJsonObject(i);
            if (item.getString("id").equals(conversation)) {
                assertEquals("group", item.getString("kind"));
                return item.getJsonNumber("unread").longValue();
            }
        }
        throw new AssertionError("conversation " + conversation + " not listed");
    }

    static JsonObject send(String to, String body, String clientMsgId) {
        return Json.createObjectBuilder().add("to", to).add("kind", "text").add("body", body)
                .add("clientMsgId", clientMsgId).build();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
