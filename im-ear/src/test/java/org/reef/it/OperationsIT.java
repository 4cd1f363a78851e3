package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees (docs/operations.md), driven as users would: real MQTT clients chat, one send is refused, one
 * login fails; then the Prometheus endpoint on the management port is scraped over HTTP and every metric of issue 14
 * must be there with its counts moved; the MicroProfile Health endpoints answer UP with Reef's checks named; and the
 * broker's {@code $SYS/broker/...} topics reach the administrator, are refused to a normal user, and no client can
 * write them.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** One line of the Prometheus text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");

    private final ImUsers users = new ImUsers();
    private final List<MqttClient> clients = new ArrayList<>();
    private final List<Mqtt5Device> devices = new ArrayList<>();

    @ArquillianResource
    private ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void close() throws Exception {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close();
        }
        devices.forEach(Mqtt5Device::close);
        users.close();
    }

    @Test
    void thePrometheusEndpointCountsWhatClientsDid() throws Exception {
        Metrics before = scrape();
        String alice = users.register("alice");
        String bob = users.register("bob");
        ImUsers.Device bobPhone = users.device(bob, users.token(bob), "phone");
        Mqtt5Device aliceLaptop = new Mqtt5Device(alice, users.token(alice), "laptop");
        devices.add(aliceLaptop);
        for (int i = 0; i < 2; i++) {
            assertEquals(0, Mqtt5Device.reason(aliceLaptop.publish("im/send", send("user:" + bob, "m" + i))));
        }
        assertEquals(0x83, Mqtt5Device.reason(aliceLaptop.publish("im/send",
                send("user:nobody-" + UUID.randomUUID().toString().substring(0, 8), "lost"))), "unknown recipient");
        bobPhone.await(e -> "message".equals(e.getString("type", "")) && "m1".equals(e.getString("clientMsgId", "")));
        MqttException refused = org.junit.jupiter.api.Assertions.assertThrows(MqttException.class,
                () -> connect(bob + "-bad", bob, "not the password"));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode());

        // Counters are read when scraped; the delivery time arrives with the adapter's acknowledgement report.
        Metrics after = awaitScrape(m -> m.sum("reef_im_delivery_seconds_count") >= before.sum(
                "reef_im_delivery_seconds_count") + 2, "two deliveries timed");

        for (String listener : List.of("tcp", "tls", "ws", "wss")) {
            assertTrue(after.has("reef_mqtt_connections", "listener", listener), "gauge of listener " + listener);
        }
        assertTrue(after.value("reef_mqtt_connections", "listener", "tcp") >= 2, "bob's phone, alice's laptop");
        assertTrue(after.sum("reef_mqtt_connects_total") >= before.sum("reef_mqtt_connects_total") + 2);
        assertEquals(1, after.value("reef_mqtt_connect_refusals_total", "reason", "0x86")
                - before.value("reef_mqtt_connect_refusals_total", "reason", "0x86"), "bob's wrong password");
        assertTrue(after.value("reef_mqtt_messages_received_total", "qos", "1")
                >= before.value("reef_mqtt_messages_received_total", "qos", "1") + 3, "alice's three sends");
        assertTrue(after.value("reef_mqtt_messages_sent_total", "qos", "1")
                >= before.value("reef_mqtt_messages_sent_total", "qos", "1") + 2, "bob's two messages, at least");
        assertTrue(after.has("reef_mqtt_messages_sent_total", "qos", "0"));
        for (String cause : List.of("queue_full", "backlog", "too_large", "expired", "offline")) {
            assertTrue(after.has("reef_mqtt_messages_dropped_total", "cause", cause), "drop cause " + cause);
        }
        assertTrue(after.has("reef_mqtt_queued_messages"));
        assertEquals(2, after.value("reef_im_messages_stored_total", "kind", "direct")
                - before.value("reef_im_messages_stored_total", "kind", "direct"), "two stored, the refused one not");
        assertTrue(after.has("reef_im_messages_stored_total", "kind", "group"));
        assertEquals(1, after.value("reef_im_refusals_total", "code", "unknown_recipient")
                - before.value("reef_im_refusals_total", "code", "unknown_recipient"));
        assertTrue(after.sum("reef_im_batch_size_count") >= before.sum("reef_im_batch_size_count") + 1);
        assertTrue(after.sum("reef_im_batch_size_sum") >= before.sum("reef_im_batch_size_sum") + 3,
                "alice's three messages went through batches");
        assertTrue(after.has("reef_im_delivery_seconds_bucket", "le", "+Inf"), "a histogram, with buckets");
        assertTrue(after.has("reef_im_batch_size_bucket", "le", "+Inf"), "a histogram, with buckets");
        assertTrue(after.sum("reef_im_delivery_seconds_sum") > before.sum("reef_im_delivery_seconds_sum"));
        assertTrue(after.value("reef_im_devices_online") >= 1, "bob's phone is fed its inbox");
        assertTrue(after.text.contains("# TYPE reef_im_delivery_seconds histogram"), "exported as a histogram");
        assertTrue(after.text.contains("# TYPE reef_mqtt_connects_total counter"), "counters are counters");

        // the Grafana dashboard in docs/ asks only for series the server exports
        String dashboard = Files.readString(Path.of(System.getProperty("user.dir"), "..", "docs", "grafana-reef.json"));
        Matcher names = Pattern.compile("reef_[a-z_]+").matcher(dashboard);
        int used = 0;
        while (names.find()) {
            used++;
            assertTrue(after.has(names.group()), "the dashboard's " + names.group() + " is exported");
        }
        assertTrue(used > 10, "the dashboard uses the metrics");
    }

    @Test
    void healthAnswersUpWithReefsChecksNamed() throws Exception {
        JsonObject live = Reef.json(awaitOk(management("/health/live")).body());
        assertEquals("UP", live.getString("status"));
        assertEquals("UP", check(live, "reef-mqtt-adapter").getString("status"));

        JsonObject ready = Reef.json(awaitOk(management("/health/ready")).body());
        assertEquals("UP", ready.getString("status"), ready.toString());
        assertEquals("UP", check(ready, "reef-database").getString("status"));
        JsonObject mqtt = check(ready, "reef-mqtt");
        assertEquals("UP", mqtt.getString("status"));
        assertEquals("bound", mqtt.getJsonObject("data").getString("listeners"));
        assertEquals("active", mqtt.getJsonObject("data").getString("imEndpoints"));

        HttpResponse<String> api = Reef.get("/health");
        assertEquals(200, api.statusCode(), "the API's own health keeps its answer");
        assertEquals(Json.createObjectBuilder().add("status", "UP").add("database", "UP").add("mqtt", "UP").build(),
                Reef.json(api.body()));
    }

    @Test
    void sysTopicsReachTheAdministratorOnlyAndNoClientWritesThem() throws Exception {
        Map<String, String> sys = new ConcurrentHashMap<>();
        MqttClient admin = connect("ops-" + UUID.randomUUID(), ModerationIT.ADMIN, ModerationIT.ADMIN_PASSWORD);
        IMqttToken granted = admin.subscribeWithResponse("$SYS/broker/#", 0,
                (topic, message) -> sys.put(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
        assertEquals(0, granted.getGrantedQos()[0]);
        Set<String> expected = Set.of("version", "uptime", "clients/connected", "clients/total", "messages/received",
                "messages/sent", "bytes/received", "bytes/sent", "subscriptions/count", "retained messages/count");
        awaitTrue(() -> expected.stream().allMatch(t -> sys.containsKey("$SYS/broker/" + t)),
                () -> "the retained $SYS values, got " + sys.keySet());
        assertTrue(sys.get("$SYS/broker/version").matches("reef version \\d+\\.\\d+.*"), sys.toString());
        assertTrue(sys.get("$SYS/broker/uptime").matches("\\d+ seconds"), sys.toString());
        // refreshed every REEF_MQTT_SYS_INTERVAL (10 s): the administrator's own connection shows up
        awaitTrue(() -> Long.parseLong(sys.get("$SYS/broker/clients/connected")) >= 1
                        && Long.parseLong(sys.get("$SYS/broker/bytes/received")) > 0
                        && Long.parseLong(sys.get("$SYS/broker/subscriptions/count")) >= 1,
                () -> "updated values, got " + sys);

        String bob = users.register("bob");
        String bobToken = users.token(bob);
        MqttClient user = connect(bob + "-sys", bob, bobToken);
        assertEquals(0x80, user.subscribeWithResponse("$SYS/#", 0).getGrantedQos()[0], "SUBACK failure for a user");

        Mqtt5Device adminV5 = new Mqtt5Device(ModerationIT.ADMIN, ModerationIT.ADMIN_PASSWORD, "v5-" + UUID.randomUUID());
        devices.add(adminV5);
        assertEquals(0x87, Mqtt5Device.reason(adminV5.client.publish("$SYS/broker/version",
                "forged".getBytes(StandardCharsets.UTF_8), 1, true)), "not even an administrator writes $SYS");
        MqttClient anonymous = Reef.mqttClient("anon-" + UUID.randomUUID());
        clients.add(anonymous);
        anonymous.publish("$SYS/broker/version", "forged".getBytes(StandardCharsets.UTF_8), 1, true);

        Map<String, String> again = new ConcurrentHashMap<>();
        MqttClient reader = connect("ops2-" + UUID.randomUUID(), ModerationIT.ADMIN, ModerationIT.ADMIN_PASSWORD);
        reader.subscribe("$SYS/broker/version", 0,
                (topic, message) -> again.put(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
        awaitTrue(() -> again.containsKey("$SYS/broker/version"), () -> "the retained version");
        assertTrue(again.get("$SYS/broker/version").startsWith("reef version"), "unchanged: " + again);
    }

    // ---- helpers ----

    private static JsonObject send(String to, String clientMsgId) {
        return Json.createObjectBuilder().add("to", to).add("kind", "text").add("body", "body of " + clientMsgId)
                .add("clientMsgId", clientMsgId).build();
    }

    private MqttClient connect(String clientId, String username, String password) throws MqttException {
        MqttClient client = new MqttClient(Reef.mqttUri(), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(15);
        options.setUserName(username);
        options.setPassword(password.toCharArray());
        clients.add(client);
        client.connect(options);
        return client;
    }

    private URI management(String path) {
        return URI.create("http://" + management.getMgmtAddress() + ":" + management.getMgmtPort() + path);
    }

    private static JsonObject check(JsonObject health, String name) {
        for (JsonValue value : health.getJsonArray("checks")) {
            JsonObject check = value.asJsonObject();
            if (name.equals(check.getString("name"))) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private static HttpResponse<String> awaitOk(URI uri) throws Exception {
        HttpResponse<String> response = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return response;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(uri + " answered " + (response == null ? "nothing" : response.statusCode() + " "
                + response.body()));
    }

    private Metrics scrape() throws Exception {
        return new Metrics(awaitOk(management("/prometheus")).body());
    }

    private Metrics awaitScrape(Predicate<Metrics> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Metrics metrics = scrape();
        while (!condition.test(metrics)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what + "\n" + metrics.reef());
            }
            Thread.sleep(200);
            metrics = scrape();
        }
        return metrics;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition,
                                  java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what.get());
            }
            Thread.sleep(100);
        }
    }

    /** One scrape, parsed: every sample with its labels (whatever other labels WildFly adds). */
    private static final class Metrics {
        final String text;
        final List<Sample> samples = new ArrayList<>();

        record Sample(String name, Map<String, String> labels, double value) {
        }

        Metrics(String text) {
            this.text = text;
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (line.startsWith("#") || !m.find()) {
                    continue;
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(3) != null) {
                    Matcher label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")
                            .matcher(m.group(3));
                    while (label.find()) {
                        labels.put(label.group(1), label.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
        }

        boolean has(String name) {
            return samples.stream().anyMatch(s -> s.name.equals(name));
        }

        boolean has(String name, String label, String value) {
            return samples.stream().anyMatch(s -> s.name.equals(name) && value.equals(s.labels.get(label)));
        }

        /** The value of the one series with this label (0 if absent). */
        double value(String name, String label, String value) {
            return samples.stream().filter(s -> s.name.equals(name) && value.equals(s.labels.get(label)))
                    .mapToDouble(Sample::value).sum();
        }

        double value(String name) {
            return sum(name);
        }

        double sum(String name) {
            return samples.stream().filter(s -> s.name.equals(name)).mapToDouble(Sample::value).sum();
        }

        String reef() {
            StringBuilder lines = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.startsWith("reef_")) {
                    lines.append(line).append('\n');
                }
            }
            return lines.toString();
        }
    }
}
