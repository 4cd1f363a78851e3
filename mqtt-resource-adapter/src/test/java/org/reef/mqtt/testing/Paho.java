package org.reef.mqtt.testing;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Eclipse Paho MQTT 3.1.1 clients for tests, with bounded waits. */
public final class Paho {

    private Paho() {
    }

    public static MqttClient connect(RunningBroker broker, String clientId, boolean cleanSession)
            throws MqttException {
        return connect(broker, clientId, options(cleanSession));
    }

    public static MqttClient connect(RunningBroker broker, String clientId, MqttConnectOptions options)
            throws MqttException {
        MqttClient client = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
        client.setTimeToWait(10_000);
        client.connect(options);
        return client;
    }

    public static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(1000);
        return options;
    }

    /** Subscribes and returns the queue the messages arrive in. */
    public static BlockingQueue<MqttMessage> subscribe(MqttClient client, String filter, int qos)
            throws MqttException {
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        client.subscribe(filter, qos, (topic, message) -> received.add(message));
        return received;
    }

    /**
     * Subscribes and returns the queue every message of the client arrives in, whatever its topic (Paho's
     * per-subscription listeners match topics locally and so never see deliveries for a shared subscription).
     */
    public static BlockingQueue<MqttMessage> subscribeAll(MqttClient client, String filter, int qos)
            throws MqttException {
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(message);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.subscribe(filter, qos);
        return received;
    }

    public static String text(MqttMessage message) {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    public static MqttMessage next(BlockingQueue<MqttMessage> queue) throws InterruptedException {
        MqttMessage message = queue.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 10 s");
        }
        return message;
    }

    public static void closeQuietly(MqttClient client) {
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
