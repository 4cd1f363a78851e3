package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Users and devices for IM tests: register, log in, connect an MQTT device to its inbox. */
final class ImUsers implements AutoCloseable {

    static final String PASSWORD = "correct horse battery";

    private final List<MqttClient> clients = new ArrayList<>();
    /** The broker devices connect to (null: the Arquillian server's). */
    private final String mqttUri;

    ImUsers() {
        this(null);
    }

    /** Devices on another Reef than the Arquillian server (a cluster node). */
    ImUsers(String mqttUri) {
        this.mqttUri = mqttUri;
    }

    /** Registers a new user with a unique name; returns the name. */
    String register(String prefix) throws Exception {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        HttpResponse<String> response = Reef.post("/users", Json.createObjectBuilder().add("username", name)
                .add("password", PASSWORD).add("displayName", prefix).build().toString(), null);
        if (response.statusCode() != 201) {
            throw new AssertionError("registration failed: " + response.body());
        }
        return name;
    }

    String token(String username) throws Exception {
        HttpResponse<String> response = Reef.post("/tokens", Json.createObjectBuilder().add("username", username)
                .add("password", PASSWORD).build().toString(), null);
        if (response.statusCode() != 201) {
            throw new AssertionError("login failed: " + response.body());
        }
        return Reef.json(response.body()).getString("token");
    }

    /** A connected device with a clean session, subscribed to its user's inbox. */
    Device device(String username, String token, String deviceName) throws MqttException {
        return device(username, token, deviceName, true, true);
    }

    /**
     * A connected device.
     *
     * @param cleanSession false for a persistent session
     * @param subscribe    whether to subscribe to the inbox (a resumed session is subscribed already)
     */
    Device device(String username, String token, String deviceName, boolean cleanSession, boolean subscribe)
            throws MqttException {
        MqttClient client = new MqttClient(mqttUri == null ? Reef.mqttUri() : mqttUri, username + "-" + deviceName,
                new MemoryPersistence());
        client.setTimeToWait(15_000);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(15);
        options.setMaxInflight(1000);
        options.setAutomaticReconnect(false);
        options.setUserName(username);
        options.setPassword(token.toCharArray());
        clients.add(client);
        Device device = new Device(username, client);
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                device.events.add(Reef.json(new String(message.getPayload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        device.sessionPresent = client.connectWithResult(options).getSessionPresent();
        if (subscribe) {
            client.subscribe("im/inbox/" + username, 1);
        }
        return device;
    }

    @Override
    public void close() {
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

    /** One device of a user and the inbox events it received. */
    static final class Device {
        final String username;
        final MqttClient client;
        final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        boolean sessionPresent;

        Device(String username, MqttClient client) {
            this.username = username;
            this.client = client;
        }

        void publish(String topic, JsonObject json) throws MqttException {
            client.publish(topic, json.toString().getBytes(StandardCharsets.UTF_8), 1, false);
        }

        void publishRaw(String topic, byte[] payload) throws MqttException {
            client.publish(topic, payload, 1, false);
        }

        /** The next event matching the condition; earlier non-matching ones are dropped. */
        JsonObject await(Predicate<JsonObject> condition) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                JsonObject event = events.poll(200, TimeUnit.MILLISECONDS);
                if (event != null && condition.test(event)) {
                    return event;
                }
            }
            throw new AssertionError(username + ": no matching event within 15 s");
        }

        JsonObject awaitType(String type) throws InterruptedException {
            return await(e -> type.equals(e.getString("type", "")));
        }

        /** Events that arrive within the given time. */
        List<JsonObject> drain(long millis) throws InterruptedException {
            List<JsonObject> drained = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < deadline) {
                JsonObject event = events.poll(50, TimeUnit.MILLISECONDS);
                if (event != null) {
                    drained.add(event);
                }
            }
            return drained;
        }
    }
}
