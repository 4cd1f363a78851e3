package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What the integration tests know of the server under test: its EAR, its ports, and clients for both protocols. */
public final class Reef {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Reef() {
    }

    /** The EAR the build produced, named as the build names it (im-ear.ear). */
    public static EnterpriseArchive ear() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("reef.test.ear")));
    }

    public static int mqttPort() {
        return Integer.getInteger("reef.test.mqtt.port");
    }

    public static String mqttUri() {
        return "tcp://127.0.0.1:" + mqttPort();
    }

    /** A path on the server outside the API, e.g. /openapi. */
    public static URI root(String path) {
        return URI.create("http://127.0.0.1:" + Integer.getInteger("reef.test.http.port") + path);
    }

    public static URI api(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + Integer.getInteger("reef.test.http.port") + "/api/v1" + pathAndQuery);
    }

    /** A connected MQTT 3.1.1 client with a clean session. */
    public static MqttClient mqttClient(String clientId) throws MqttException {
        MqttClient client = new MqttClient(mqttUri(), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        client.connect(options);
        return client;
    }

    public static HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return get(pathAndQuery, null);
    }

    /** GET, with {@code Authorization: Bearer token} unless the token is null. */
    public static HttpResponse<String> get(String pathAndQuery, String token) throws IOException, InterruptedException {
        return send(request(pathAndQuery, token).GET());
    }

    public static HttpResponse<String> post(String pathAndQuery, String json, String token)
            throws IOException, InterruptedException {
        return send(request(pathAndQuery, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public static HttpResponse<String> put(String pathAndQuery, String json, String token)
            throws IOException, InterruptedException {
        return send(request(pathAndQuery, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public static HttpResponse<String> patch(String pathAndQuery, String json, String token)
            throws IOException, InterruptedException {
        return send(request(pathAndQuery, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public static HttpResponse<String> delete(String pathAndQuery, String token)
            throws IOException, InterruptedException {
        return send(request(pathAndQuery, token).DELETE());
    }

    private static HttpRequest.Builder request(String pathAndQuery, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(api(pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static JsonObject json(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
