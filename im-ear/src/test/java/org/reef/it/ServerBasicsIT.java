package org.reef.it;

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
 * The server as a whole: topics no application claims (including {@code chat/}, once the walking skeleton's stored
 * demo topics) are plain publish/subscribe, health, the OpenAPI document, and problem documents for bad input.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServerBasicsIT {

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
    void topicsNoEndpointActivatedArePlainPubSub() throws Exception {
        String topic = "sensors/" + UUID.randomUUID() + "/temperature";
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = connect("sub-" + UUID.randomUUID());
        subscriber.subscribe("sensors/+/temperature", 1, (t, message) -> received.add(message));
        MqttClient publisher = connect("pub-" + UUID.randomUUID());

        publisher.publish(topic, "21.5".getBytes(StandardCharsets.UTF_8), 1, false);

        MqttMessage delivered = received.poll(15, TimeUnit.SECONDS);
        assertNotNull(delivered);
        assertEquals("21.5", new String(delivered.getPayload(), StandardCharsets.UTF_8));
        assertEquals(1, delivered.getQos());
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "delivered exactly once");
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
        assertEquals(401, Reef.get("/conversations").statusCode(), "conversations need a token");
        HttpResponse<String> response = Reef.get("/conversations?limit=lots", token());
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
