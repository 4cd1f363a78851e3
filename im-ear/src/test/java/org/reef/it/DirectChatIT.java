package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-to-one chat over MQTT as users meet it: send, acknowledgement, delivery to every device, history, retries,
 * refusals and receipts (Reef IM protocol v1, docs/protocol.md).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DirectChatIT {

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
    void aMessageReachesEveryDeviceIsAcknowledgedAndStoredWithSeq1() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        ImUsers.Device bobPhone = users.device(bob, bobToken, "phone");
        ImUsers.Device bobTablet = users.device(bob, bobToken, "tablet");
        ImUsers.Device aliceLaptop = users.device(alice, aliceToken, "laptop");
        ImUsers.Device alicePhone = users.device(alice, aliceToken, "phone");
        String conversation = "dm:" + (alice.compareTo(bob) < 0 ? alice + ":" + bob : bob + ":" + alice);

        aliceLaptop.publish("im/send", send("user:" + bob, "hi bob", "c-1"));

        JsonObject ack = aliceLaptop.awaitType("ack");
        assertEquals("c-1", ack.getString("clientMsgId"));
        assertEquals(conversation, ack.getString("conversation"));
        assertEquals(1, ack.getJsonNumber("seq").longValue());
        for (ImUsers.Device device : List.of(bobPhone, bobTablet, alicePhone)) {
            JsonObject event = device.awaitType("message");
            assertEquals(ack.getString("id"), event.getString("id"));
            assertEquals(conversation, event.getString("conversation"));
            assertEquals(1, event.getJsonNumber("seq").longValue());
            assertEquals(alice, event.getString("from"), "from is stamped by the server");
            assertEquals("user:" + bob, event.getString("to"));
            assertEquals("text", event.getString("kind"));
            assertEquals("hi bob", event.getString("body"));
            assertEquals("c-1", event.getString("clientMsgId"));
            assertFalse(event.getString("sentAt").isBlank());
        }
        assertTrue(aliceLaptop.drain(300).stream().noneMatch(e -> e.getString("type").equals("message")),
                "the sending device gets the ack, not a copy");

        HttpResponse<String> history = Reef.get("/conversations/" + enc(conversation) + "/messages", bobToken);
        assertEquals(200, history.statusCode(), history.body());
        JsonArray items = Reef.json(history.body()).getJsonArray("items");
        assertEquals(1, items.size());
        assertEquals(1, items.getJsonObject(0).getJsonNumber("seq").longValue());
        assertEquals("hi bob", items.getJsonObject(0).getString("body"));
        String stranger = users.register("eve");
        assertEquals(404, Reef.get("/conversations/" + enc(conversation) + "/messages", users.token(stranger))
                .statusCode(), "members only");
        assertEquals(400, Reef.get("/conversations/" + enc(conversation) + "/messages?before=x", bobToken)
                .statusCode(), "a malformed number is a bad request");
    }

    @Test
    void aRetriedClientMsgIdStoresOneMessageAndIsAcknowledgedAgain() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        ImUsers.Device laptop = users.device(alice, aliceToken, "laptop");
        laptop.publish("im/send", send("user:" + bob, "once", "same-id"));
        JsonObject first = laptop.awaitType("ack");
        laptop.publish("im/send", send("user:" + bob, "once", "same-id"));
        JsonObject second = laptop.awaitType("ack");
        assertEquals(first.getString("id"), second.getString("id"));
        assertEquals(first.getJsonNumber("seq"), second.getJsonNumber("seq"));
        laptop.publish("im/send", send("user:" + bob, "next", "other-id"));
        assertEquals(2, laptop.awaitType("ack").getJsonNumber("seq").longValue(), "no gap in seq");
        JsonArray items = Reef.json(Reef.get("/conversations/" + enc(first.getString("conversation"))
                + "/messages", aliceToken).body()).getJsonArray("items");
        assertEquals(2, items.size());
    }

    @Test
    void refusedSendsGetAnErrorEventAndStoreNothing() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        ImUsers.Device laptop = users.device(alice, aliceToken, "laptop");

        laptop.publish("im/send", send("user:nobody" + System.nanoTime() % 1000, "hello?", "u-1"));
        JsonObject unknown = laptop.awaitType("error");
        assertEquals("unknown_recipient", unknown.getString("code"));
        assertEquals("u-1", unknown.getString("clientMsgId"));

        String big = "x".repeat(70 * 1024);
        laptop.publish("im/send", send("user:" + bob, big, "big-1"));
        assertEquals("too_large", laptop.awaitType("error").getString("code"));

        laptop.publishRaw("im/send", "{not json".getBytes(StandardCharsets.UTF_8));
        assertEquals("invalid", laptop.awaitType("error").getString("code"));

        laptop.publish("im/presence/" + bob, Json.createObjectBuilder().add("online", true).build());
        assertEquals("forbidden", laptop.awaitType("error").getString("code"));

        assertTrue(laptop.client.isConnected(), "refusals keep the connection");
        HttpResponse<String> conversations = Reef.get("/conversations", aliceToken);
        assertEquals(0, Reef.json(conversations.body()).getJsonArray("items").size(), conversations.body());
    }

    @Test
    void receiptsMoveCursorsForwardOnlyAndAreRelayed() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        ImUsers.Device laptop = users.device(alice, aliceToken, "laptop");
        ImUsers.Device phone = users.device(bob, bobToken, "phone");
        for (int i = 1; i <= 3; i++) {
            laptop.publish("im/send", send("user:" + bob, "m" + i, "r-" + i));
            laptop.awaitType("ack");
        }
        String conversation = phone.awaitType("message").getString("conversation");

        JsonObject bobsView = conversationOf(bobToken, conversation);
        assertEquals(3, bobsView.getInt("unread"));
        assertEquals(0, conversationOf(aliceToken, conversation).getInt("unread"), "own messages are not unread");

        phone.publish("im/receipt", receipt(conversation, 2, "read"));
        JsonObject relayed = laptop.awaitType("receipt");
        assertEquals(bob, relayed.getString("by"));
        assertEquals("read", relayed.getString("kind"));
        assertEquals(2, relayed.getJsonNumber("seq").longValue());
        bobsView = conversationOf(bobToken, conversation);
        assertEquals(1, bobsView.getInt("unread"));
        assertEquals(2, bobsView.getJsonNumber("readSeq").longValue());

        phone.publish("im/receipt", receipt(conversation, 1, "read"));
        phone.drain(300);
        assertEquals(2, conversationOf(bobToken, conversation).getJsonNumber("readSeq").longValue(),
                "a stale receipt does not move the cursor back");

        HttpResponse<String> read = Reef.post("/conversations/" + enc(conversation) + "/read", "{\"seq\":3}", bobToken);
        assertEquals(204, read.statusCode(), read.body());
        assertEquals(0, conversationOf(bobToken, conversation).getInt("unread"));
        assertEquals(3, conversationOf(bobToken, conversation).getJsonObject("lastMessage").getJsonNumber("seq")
                .longValue());
    }

    @Test
    void sendingOverHttpGoesThroughTheSamePipeline() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String aliceToken = users.token(alice);
        ImUsers.Device phone = users.device(bob, users.token(bob), "phone");
        String conversation = "dm:" + (alice.compareTo(bob) < 0 ? alice + ":" + bob : bob + ":" + alice);

        HttpResponse<String> sent = Reef.post("/conversations/" + enc(conversation) + "/messages",
                Json.createObjectBuilder().add("kind", "custom").add("body", Json.createObjectBuilder()
                        .add("sticker", "wave")).add("clientMsgId", "h-1").build().toString(), aliceToken);
        assertEquals(201, sent.statusCode(), sent.body());
        assertEquals(1, Reef.json(sent.body()).getJsonNumber("seq").longValue());
        JsonObject event = phone.awaitType("message");
        assertEquals("wave", event.getJsonObject("body").getString("sticker"));
        assertEquals("custom", event.getString("kind"));

        HttpResponse<String> typing = Reef.post("/conversations/" + enc(conversation) + "/messages",
                "{\"kind\":\"typing\"}", aliceToken);
        assertEquals(202, typing.statusCode(), typing.body());
        JsonObject typingEvent = phone.awaitType("typing");
        assertEquals(alice, typingEvent.getString("from"));
        assertEquals(conversation, typingEvent.getString("conversation"));
        assertEquals(1, Reef.json(Reef.get("/conversations/" + enc(conversation) + "/messages", aliceToken).body())
                .getJsonArray("items").size(), "typing is not stored");
    }

    @Test
    void mqtt5ClientsGetTheRefusalAsThePubackReasonCode() throws Exception {
        String alice = users.register("alice");
        String token = users.token(alice);
        org.eclipse.paho.mqttv5.client.MqttAsyncClient client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(
                Reef.mqttUri(), alice + "-v5", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions options =
                new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setUserName(alice);
        options.setPassword(token.getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(15_000);
        try {
            org.eclipse.paho.mqttv5.client.IMqttToken refused = client.publish("im/send",
                    send("user:nobody-here", "hi", "v5-1").toString().getBytes(StandardCharsets.UTF_8), 1, false);
            int reason = awaitReason(refused);
            assertEquals(0x83, reason, "unknown recipient");
            org.eclipse.paho.mqttv5.client.IMqttToken forbidden = client.publish("im/other",
                    "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals(0x87, awaitReason(forbidden), "not authorized");
            assertTrue(client.isConnected(), "refusals keep the connection");
        } finally {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }

    private static int awaitReason(org.eclipse.paho.mqttv5.client.IMqttToken token) {
        try {
            token.waitForCompletion(15_000);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            return e.getReasonCode();
        }
    }

    private static JsonObject conversationOf(String token, String conversation) throws Exception {
        JsonArray items = Reef.json(Reef.get("/conversations", token).body()).getJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
            if (items.getJsonObject(i).getString("id").equals(conversation)) {
                return items.getJsonObject(i);
            }
        }
        throw new AssertionError("conversation " + conversation + " not listed: " + items);
    }

    private static JsonObject send(String to, String body, String clientMsgId) {
        return Json.createObjectBuilder().add("to", to).add("kind", "text").add("body", body)
                .add("clientMsgId", clientMsgId).build();
    }

    private static JsonObject receipt(String conversation, long seq, String kind) {
        return Json.createObjectBuilder().add("conversation", conversation).add("seq", seq).add("kind", kind).build();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
