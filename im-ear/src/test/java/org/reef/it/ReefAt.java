package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The IM API of a Reef that is not the Arquillian server (whose ports {@link Reef} knows): one started by a test on
 * ports of its own.
 */
final class ReefAt {

    static final String PASSWORD = "correct horse battery";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int httpPort;
    private final int mqttPort;

    ReefAt(int httpPort, int mqttPort) {
        this.httpPort = httpPort;
        this.mqttPort = mqttPort;
    }

    String mqttUri() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    /** Waits until {@code GET /api/v1/health} answers 200 (the database, the MQTT listeners and the endpoints up). */
    void awaitHealthy(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = get("/health", null);
                if (health.statusCode() == 200) {
                    return;
                }
                last = health.statusCode() + " " + health.body();
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("Reef not healthy within " + seconds + " s: " + last);
    }

    /** Registers a user with a unique name starting with {@code prefix}; returns the name. */
    String register(String prefix) throws IOException, InterruptedException {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        HttpResponse<String> response = post("/users", Json.createObjectBuilder().add("username", name)
                .add("password", PASSWORD).add("displayName", prefix).build(), null);
        if (response.statusCode() != 201) {
            throw new AssertionError("registration failed: " + response.statusCode() + " " + response.body());
        }
        return name;
    }

    String token(String username) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/tokens", Json.createObjectBuilder().add("username", username)
                .add("password", PASSWORD).build(), null);
        if (response.statusCode() != 201) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return Reef.json(response.body()).getString("token");
    }

    /** Every message of a conversation, in seq order, through {@code GET /conversations/{id}/messages}. */
    List<JsonObject> history(String conversation, String token) throws IOException, InterruptedException {
        List<JsonObject> messages = new ArrayList<>();
        long after = 0;
        while (true) {
            HttpResponse<String> page = get("/conversations/" + URLEncoder.encode(conversation, StandardCharsets.UTF_8)
                    + "/messages?after=" + after + "&limit=200", token);
            if (page.statusCode() != 200) {
                throw new AssertionError("history of " + conversation + ": " + page.statusCode() + " " + page.body());
            }
            JsonObject body = Reef.json(page.body());
            List<JsonObject> items = body.getJsonArray("items").getValuesAs(JsonObject.class);
            messages.addAll(items);
            if (items.isEmpty() || body.get("next") == null || body.get("next").getValueType() == JsonValue.ValueType.NULL) {
                return messages;
            }
            JsonValue next = body.get("next");
            after = next.getValueType() == JsonValue.ValueType.STRING ? Long.parseLong(body.getString("next"))
                    : body.getJsonNumber("next").longValue();
        }
    }

    HttpResponse<String> get(String pathAndQuery, String token) throws IOException, InterruptedException {
        return HTTP.send(request(pathAndQuery, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String pathAndQuery, JsonObject json, String token)
            throws IOException, InterruptedException {
        return HTTP.send(request(pathAndQuery, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String pathAndQuery, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1"
                + pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }
}
