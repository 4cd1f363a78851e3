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

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat rooms: online only, joined by subscribing, size-limited, nothing stored (docs/protocol.md, "Rooms"). */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RoomIT {

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
    void aRoomRelaysToItsSubscribersStoresNothingAndKeepsItsLimit() throws Exception {
        String[] names = new String[4];
        String[] tokens = new String[4];
        Mqtt5Device[] joined = new Mqtt5Device[3];
        for (int i = 0; i < 4; i++) {
            names[i] = users.register("room");
            tokens[i] = users.token(names[i]);
            if (i < 3) {
                joined[i] = device(names[i], tokens[i]);
            }
        }
        // the fourth on MQTT 3.1.1 (Paho's MQTT 5 client rejects SUBACK 0x97, a valid code, as invalid)
        ImUsers.Device fourth = users.device(names[3], tokens[3], "v3");
        String room = "lobby-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "im/rooms/" + room;
        HttpResponse<String> created = Reef.post("/rooms", Json.createObjectBuilder().add("name", room)
                .add("maxMembers", 3).build().toString(), tokens[0]);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(3, Reef.json(created.body()).getInt("maxMembers"));
        assertEquals(409, Reef.post("/rooms", "{\"name\":\"" + room + "\"}", tokens[1]).statusCode());
        assertEquals(400, Reef.post("/rooms", "{\"name\":\"Not Valid\"}", tokens[1]).statusCode());

        for (int i = 0; i < 3; i++) {
            assertEquals(1, joined[i].subscribe(topic, 1), "member " + i + " joins with QoS 1");
        }
        assertEquals(0x80, grantedQos(fourth, topic), "the fourth is over the limit");
        assertEquals(0x80, grantedQos(fourth, "im/rooms/+"), "no wildcard joins");
        assertEquals(0x80, grantedQos(fourth, "im/rooms/no-such-room"));
        assertEquals(3, room(tokens[3], room).getInt("members"));

        int accepted = Mqtt5Device.reason(joined[1].publish("im/send", send("room:" + room, "hello room", "r-1")));
        assertEquals(0, accepted);
        for (int i = 0; i < 3; i++) {
            JsonObject message = awaitMessage(joined[i]);
            assertEquals("room:" + room, message.getString("conversation"));
            assertEquals(names[1], message.getString("from"), "stamped by the server");
            assertEquals("hello room", message.getString("body"));
            assertEquals("r-1", message.getString("clientMsgId"));
            assertTrue(message.containsKey("sentAt"));
            assertNull(message.get("seq"), "room messages have no seq: they are not stored");
        }

        fourth.publish("im/send", send("room:" + room, "let me talk", "r-2"));
        JsonObject refused = fourth.awaitType("error");
        assertEquals("not_a_member", refused.getString("code"), "a non-subscriber cannot send");
        assertEquals(0x87, Mqtt5Device.reason(joined[0].publish(topic,
                Json.createObjectBuilder().add("from", "someone-else").add("body", "forged").build())),
                "direct publishes to the room topic are refused");
        Thread.sleep(300);
        for (int i = 0; i < 3; i++) {
            assertTrue(joined[i].events.stream().noneMatch(e -> e.getString("type").equals("message")),
                    "nothing else reaches the room (error events reach only the refused device)");
        }

        for (int i = 0; i < 3; i++) {
            joined[i].events.clear();
        }
        HttpResponse<String> overHttp = Reef.post("/conversations/room:" + room + "/messages",
                Json.createObjectBuilder().add("kind", "text").add("body", "via http").add("clientMsgId", "r-3")
                        .build().toString(), tokens[2]);
        assertEquals(202, overHttp.statusCode(), "a user with a device in the room sends over HTTP: "
                + overHttp.body());
        for (int i = 0; i < 3; i++) {
            JsonObject message = awaitMessage(joined[i]);
            assertEquals("via http", message.getString("body"));
            assertEquals(names[2], message.getString("from"));
        }
        assertEquals(403, Reef.post("/conversations/room:" + room + "/messages",
                Json.createObjectBuilder().add("kind", "text").add("body", "me too").add("clientMsgId", "r-4")
                        .build().toString(), tokens[3]).statusCode(), "not in the room");

        assertEquals(404, Reef.get("/conversations/room:" + room + "/messages", tokens[1]).statusCode(),
                "nothing stored");
        JsonArray conversations = Reef.json(Reef.get("/conversations", tokens[1]).body()).getJsonArray("items");
        assertTrue(conversations.stream().noneMatch(c -> c.asJsonObject().getString("id").contains(room)));

        // leaving frees a place
        joined[2].client.unsubscribe(topic).waitForCompletion(10_000);
        assertEquals(1, grantedQos(fourth, topic), "a place became free");
        joined[0].close();
        assertEquals(2, awaitMembers(tokens[1], room, 2), "disconnecting leaves the room");

        assertEquals(403, Reef.delete("/rooms/" + room, tokens[1]).statusCode(), "only the owner deletes");
        assertEquals(204, Reef.delete("/rooms/" + room, tokens[0]).statusCode());
        JsonObject deleted;
        do {
            deleted = joined[1].events.poll(15, TimeUnit.SECONDS);
        } while (deleted != null && !deleted.getString("type").equals("room_deleted"));
        assertTrue(deleted != null, "room_deleted within 15 s");
        assertEquals(404, Reef.get("/rooms/" + room, tokens[1]).statusCode());
    }

    private static int grantedQos(ImUsers.Device device, String filter) throws Exception {
        return device.client.subscribeWithResponse(filter, 1).getGrantedQos()[0];
    }

    private Mqtt5Device device(String name, String token) throws Exception {
        Mqtt5Device device = new Mqtt5Device(name, token, "v5");
        devices.add(device);
        return device;
    }

    private static JsonObject awaitMessage(Mqtt5Device device) throws InterruptedException {
        JsonObject event = device.events.poll(15, TimeUnit.SECONDS);
        assertTrue(event != null, "no room message within 15 s");
        return event;
    }

    private static JsonObject room(String token, String room) throws Exception {
        HttpResponse<String> response = Reef.get("/rooms/" + room, token);
        assertEquals(200, response.statusCode(), response.body());
        return Reef.json(response.body());
    }

    private static int awaitMembers(String token, String room, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int members;
        do {
            members = room(token, room).getInt("members");
            if (members == expected) {
                return members;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return members;
    }

    private static JsonObject send(String to, String body, String clientMsgId) {
        return Json.createObjectBuilder().add("to", to).add("kind", "text").add("body", body)
                .add("clientMsgId", clientMsgId).build();
    }
}
