package org.reef.it;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton end to end on WildFly with PostgreSQL: a real MQTT client publishes QoS 1 to a chat topic,
 * the resource adapter delivers it through inflow to the MDB, the EJB stores it, the publisher gets its PUBACK, a
 * subscriber gets the message through the outbound connection factory, and the HTTP API shows it stored.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChatRoundTripIT {

    private final List<MqttClient> clients = new ArrayList<>();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void disconnect() throws Exception {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }

    @Test
    void aQos1ChatMessageIsStoredAcknowledgedAndDelivered() throws Exception {
        String topic = "chat/room-" + UUID.randomUUID();
        String text = "hello " + UUID.randomUUID();
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = connect("sub-" + UUID.randomUUID());
        subscriber.subscribe(topic, 1, (t, message) -> received.add(message));
        String publisherId = "pub-" + UUID.randomUUID();
        MqttClient publisher = connect(publisherId);

        // MqttClient.publish returns for QoS 1 only once the PUBACK arrived (or throws after timeToWait).
        publisher.publish(topic, text.getBytes(StandardCharsets.UTF_8), 1, false);

        MqttMessage delivered = received.poll(15, TimeUnit.SECONDS);
        assertNotNull(delivered, "the subscriber got no message");
        assertEquals(text, new String(delivered.getPayload(), StandardCharsets.UTF_8));
        assertEquals(1, delivered.getQos());

        HttpResponse<String> response = Reef.get("/messages?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8), token());
        assertEquals(200, response.statusCode(), response.body());
        JsonArray items = Reef.json(response.body()).getJsonArray("items");
        assertEquals(1, items.size(), response.body());
        JsonObject stored = items.getJsonObject(0);
        assertEquals(text, stored.getString("payload"));
        assertEquals(topic, stored.getString("topic"));
        assertEquals(publisherId, stored.getString("clientId"));
        assertTrue(stored.getJsonNumber("id").longValue() > 0);
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "delivered exactly once");
    }

    @Test
    void messagesFromOneClientAreStoredInPublishOrder() throws Exception {
        String topic = "chat/order-" + UUID.randomUUID();
        MqttClient publisher = connect("pub-" + UUID.randomUUID());
        int count = 50;
        for (int i = 0; i < count; i++) {
            publisher.publish(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        HttpResponse<String> response = Reef.get("/messages?limit=200&topic="
                + URLEncoder.encode(topic, StandardCharsets.UTF_8), token());
        JsonArray items = Reef.json(response.body()).getJsonArray("items");
        assertEquals(count, items.size());
        for (int i = 0; i < count; i++) {
            // newest first
            assertEquals("m" + (count - 1 - i), items.getJsonObject(i).getString("payload"));
        }
    }

    @Test
    void topicsNoEndpointActivatedArePlainPubSubAndNotStored() throws Exception {
        String topic = "sensors/" + UUID.randomUUID() + "/temperature";
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = connect("sub-" + UUID.randomUUID());
        subscriber.subscribe("sensors/+/temperature", 1, (t, message) -> received.add(message));
        MqttClient publisher = connect("pub-" + UUID.randomUUID());

        publisher.publish(topic, "21.5".getBytes(StandardCharsets.UTF_8), 1, false);

        MqttMessage delivered = received.poll(15, TimeUnit.SECONDS);
        assertNotNull(delivered);
        assertEquals("21.5", new String(delivered.getPayload(), StandardCharsets.UTF_8));
        HttpResponse<String> response = Reef.get("/messages?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8), token());
        assertTrue(Reef.json(response.body()).getJsonArray("items").isEmpty());
    }

    @Test
    void healthReportsDatabaseAndBrokerUp() throws Exception {
        HttpResponse<String> response = Reef.get("/health");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject health = Reef.json(response.body());
        assertEquals("UP", health.getString("status"));
        assertEquals("UP", health.getString("database"));
        assertEquals("UP", health.getString("mqtt"));
    }

    @Test
    void theServerPublishesAnOpenApiDocumentOfTheHttpApi() throws Exception {
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(Reef.root("/openapi?format=JSON")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        JsonObject paths = Reef.json(response.body()).getJsonObject("paths");
        for (String path : List.of("/api/v1/users", "/api/v1/tokens", "/api/v1/tokens/current",
                "/api/v1/conversations", "/api/v1/conversations/{id}/messages", "/api/v1/conversations/{id}/read",
                "/api/v1/presence", "/api/v1/health")) {
            assertTrue(paths.containsKey(path), path + " is described: " + paths.keySet());
        }
    }

    @Test
    void anInvalidQueryIsAProblemDocument() throws Exception {
        assertEquals(401, Reef.get("/messages").statusCode(), "stored messages need a token");
        HttpResponse<String> response = Reef.get("/messages?limit=0", token());
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("application/problem+json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonObject problem = Reef.json(response.body());
        assertEquals(400, problem.getInt("status"));
        assertFalse(problem.getString("type").isBlank());
        assertFalse(response.body().contains("Exception"), "no stack trace or exception class leaks");
    }

    private static String token;

    /** A signed-in reader for the HTTP API (registered once per class). */
    private static synchronized String token() throws Exception {
        if (token == null) {
            try (ImUsers users = new ImUsers()) {
                token = users.token(users.register("reader"));
            }
        }
        return token;
    }

    private MqttClient connect(String clientId) throws Exception {
        MqttClient client = Reef.mqttClient(clientId);
        client.setTimeToWait(15_000);
        clients.add(client);
        return client;
    }
}
