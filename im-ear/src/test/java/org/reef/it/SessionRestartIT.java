package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent sessions survive a server restart. The sequence a phone goes through: it connects with a persistent
 * session (CleanSession = 0) and subscribes to its inbox once, goes offline, messages arrive for it, the server
 * restarts (a management {@code reload}: every deployment, the resource adapter with its in-memory broker included,
 * is stopped and started again), and the phone reconnects without subscribing again, as Paho and phone SDKs with a
 * persistent session do. It must get what arrived meanwhile. The same for a plain MQTT subscriber's queued QoS 1
 * messages.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SessionRestartIT {

    private final ImUsers users = new ImUsers();
    private final List<MqttClient> clients = new ArrayList<>();

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
        users.close();
    }

    @Test
    void aPersistentDeviceGetsWhatArrivedWhileItWasOfflineAfterARestartWithoutSubscribingAgain() throws Exception {
        String alice = users.register("alice");
        String bob = users.register("bob");
        String carol = users.register("carol");
        String carolToken = users.token(carol);
        String aliceToken = users.token(alice);
        String bobToken = users.token(bob);
        BlockingQueue<String> phoneEvents = new LinkedBlockingQueue<>();
        MqttClient phone = client(bob + "-phone", phoneEvents);
        phone.connect(options(bob, bobToken, false));
        phone.subscribe("im/inbox/" + bob, 1);
        phone.disconnect();

        String plainTopic = "plain/" + UUID.randomUUID();
        BlockingQueue<String> sensorEvents = new LinkedBlockingQueue<>();
        MqttClient sensor = client(carol + "-sensor", sensorEvents);
        sensor.connect(options(carol, carolToken, false));
        sensor.subscribe(plainTopic + "/#", 1);
        sensor.disconnect();

        ImUsers.Device laptop = users.device(alice, aliceToken, "laptop");
        for (int i = 0; i < 3; i++) {
            laptop.publish("im/send", Json.createObjectBuilder().add("to", "user:" + bob).add("kind", "text")
                    .add("body", "while you were away " + i).add("clientMsgId", "away-" + i).build());
        }
        MqttClient publisher = Reef.mqttClient("pub-" + UUID.randomUUID());
        clients.add(publisher);
        for (int i = 0; i < 3; i++) {
            publisher.publish(plainTopic + "/x", ("reading " + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        users.close();
        closeClients();

        restartServer();

        connectWhenReady(phone, options(bob, bobToken, false));
        List<String> bodies = new ArrayList<>();
        while (bodies.size() < 3) {
            String event = phoneEvents.poll(30, TimeUnit.SECONDS);
            assertNotNull(event, "the phone got " + bodies + " after the restart");
            JsonObject json = Reef.json(event);
            if ("message".equals(json.getString("type"))) {
                bodies.add(json.getString("body"));
            }
        }
        assertEquals(List.of("while you were away 0", "while you were away 1", "while you were away 2"), bodies);

        connectWhenReady(sensor, options(carol, carolToken, false));
        List<String> readings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String reading = sensorEvents.poll(30, TimeUnit.SECONDS);
            assertNotNull(reading, "the sensor got " + readings + " after the restart");
            readings.add(reading);
        }
        assertEquals(List.of("reading 0", "reading 1", "reading 2"), readings);
    }

    private MqttClient client(String clientId, BlockingQueue<String> events) throws Exception {
        MqttClient client = new MqttClient(Reef.mqttUri(), clientId, new MemoryPersistence());
        client.setTimeToWait(15_000);
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                events.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        clients.add(client);
        return client;
    }

    /** Connects, retrying while the restarted server still activates its endpoints (logins refused until then). */
    private static void connectWhenReady(MqttClient client, MqttConnectOptions options) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                assertTrue(client.connectWithResult(options).getSessionPresent(), "the session survived the restart");
                return;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private static MqttConnectOptions options(String username, String token, boolean clean) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(15);
        options.setMaxInflight(1000);
        options.setUserName(username);
        options.setPassword(token.toCharArray());
        return options;
    }

    private void closeClients() throws Exception {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        }
    }

    /** Reloads the server (all services and deployments stop and start again) and waits until Reef answers. */
    private void restartServer() throws Exception {
        ModelNode reload = new ModelNode();
        reload.get("operation").set("reload");
        reload.get("address").setEmptyList();
        ModelNode result = management.getControllerClient().execute(reload);
        assertEquals("success", result.get("outcome").asString(), result.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            if (running() && healthy()) {
                return;
            }
        }
        throw new AssertionError("the server did not come back within 180 s");
    }

    private boolean running() {
        try {
            ModelNode op = new ModelNode();
            op.get("operation").set("read-attribute");
            op.get("address").setEmptyList();
            op.get("name").set("server-state");
            ModelNode result = management.getControllerClient().execute(op);
            return "running".equals(result.get("result").asString());
        } catch (IOException | RuntimeException e) {
            return false; // restarting
        }
    }

    private static boolean healthy() {
        try {
            HttpResponse<String> health = Reef.get("/health");
            return health.statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
