package org.reef.it;

import jakarta.json.JsonObject;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** An MQTT 5 device of a user (clean start), for tests that look at reason codes; collects what arrives. */
final class Mqtt5Device implements AutoCloseable {

    final MqttAsyncClient client;
    final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

    /** The reason code of the DISCONNECT the server sent, once it sent one (-1 until then). */
    volatile int disconnectReason = -1;

    Mqtt5Device(String username, String token, String deviceName) throws MqttException {
        this(Reef.mqttUri(), username, token, deviceName);
    }

    Mqtt5Device(String mqttUri, String username, String token, String deviceName) throws MqttException {
        client = new MqttAsyncClient(mqttUri, username + "-" + deviceName, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(username);
        options.setPassword(token.getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(true);
        options.setReceiveMaximum(1000);
        client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
                disconnectReason = response.getReturnCode();
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                events.add(Reef.json(new String(message.getPayload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties props) {
            }
        });
        client.connect(options).waitForCompletion(15_000);
    }

    /** Subscribes; returns the SUBACK reason code. */
    int subscribe(String filter, int qos) {
        try {
            IMqttToken token = client.subscribe(new MqttSubscription(filter, qos));
            token.waitForCompletion(15_000);
            return token.getReasonCodes()[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    /** Publishes at QoS 1 without waiting. */
    IMqttToken publish(String topic, JsonObject json) throws MqttException {
        return client.publish(topic, json.toString().getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** The PUBACK reason code of a publish (0 for success). */
    static int reason(IMqttToken token) {
        try {
            token.waitForCompletion(15_000);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            // already gone
        }
    }
}
