package org.reef.it;

import jakarta.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A receiving device with a persistent session on its user's inbox, as a phone keeps one: it subscribes once, and
 * after the server went away it reconnects (every 500 ms until it succeeds) without subscribing again, unless the
 * server says the session is gone. It records the message events by conversation and seq; repeats (QoS 1 is at least
 * once, with the same id) are counted, not kept twice.
 */
abstract class SoakInbox implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SoakInbox.class.getName());

    final String username;
    final String token;
    final String clientId;
    private final Map<String, NavigableSet<Long>> seqs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> ids = new ConcurrentHashMap<>();
    private final AtomicInteger repeats = new AtomicInteger();
    private volatile boolean closed;
    private volatile int connects;
    private volatile int sessionsLost;

    SoakInbox(String username, String token, String deviceName) {
        this.username = username;
        this.token = token;
        this.clientId = username + "-" + deviceName;
    }

    /** Connects with a persistent session; returns whether the server still had it. */
    abstract boolean connect() throws Exception;

    abstract void subscribe() throws Exception;

    abstract boolean connected();

    abstract void disconnect();

    /** The first connection: a new persistent session, subscribed to the inbox. */
    void open() throws Exception {
        connect();
        subscribe();
        connects++;
    }

    /** The seqs received in a conversation. */
    NavigableSet<Long> seqs(String conversation) {
        return seqs.getOrDefault(conversation, new ConcurrentSkipListSet<>());
    }

    String summary() {
        int received = seqs.values().stream().mapToInt(NavigableSet::size).sum();
        return clientId + ": received " + received + " messages (" + repeats.get() + " repeats dropped), connections "
                + connects + ", sessions lost " + sessionsLost;
    }

    int sessionsLost() {
        return sessionsLost;
    }

    @Override
    public void run() {
        while (!closed) {
            if (!connected()) {
                try {
                    boolean present = connect();
                    connects++;
                    if (!present) {
                        sessionsLost++;
                        LOG.warning(clientId + ": the server lost the persistent session; subscribing again");
                        subscribe();
                    }
                } catch (Exception e) {
                    LOG.log(Level.FINE, "{0}: not connected yet: {1}", new Object[]{clientId, e.toString()});
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void arrived(byte[] payload) {
        JsonObject event = Reef.json(new String(payload, StandardCharsets.UTF_8));
        if (!"message".equals(event.getString("type", ""))) {
            return;
        }
        if (ids.putIfAbsent(event.getString("id"), Boolean.TRUE) != null) {
            repeats.incrementAndGet();
            return;
        }
        seqs.computeIfAbsent(event.getString("conversation"), c -> new ConcurrentSkipListSet<>())
                .add(event.getJsonNumber("seq").longValue());
    }

    @Override
    public void close() {
        closed = true;
        disconnect();
    }

    /** An MQTT 3.1.1 device: CleanSession 0. */
    static final class V3 extends SoakInbox {
        private final org.eclipse.paho.client.mqttv3.MqttClient client;

        V3(String uri, String username, String token, String deviceName) throws Exception {
            super(username, token, deviceName);
            client = new org.eclipse.paho.client.mqttv3.MqttClient(uri, clientId,
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            client.setTimeToWait(10_000);
            client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    LOG.fine(() -> clientId + ": connection lost: " + cause);
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                    arrived(message.getPayload());
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken delivery) {
                }
            });
        }

        @Override
        boolean connect() throws Exception {
            org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(false);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout(5);
            options.setMaxInflight(1000);
            options.setUserName(username);
            options.setPassword(token.toCharArray());
            return client.connectWithResult(options).getSessionPresent();
        }

        @Override
        void subscribe() throws Exception {
            client.subscribe("im/inbox/" + username, 1);
        }

        @Override
        boolean connected() {
            return client.isConnected();
        }

        @Override
        void disconnect() {
            try {
                if (client.isConnected()) {
                    client.disconnect(2000);
                }
                client.close(true);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                LOG.log(Level.FINE, "closing " + clientId, e);
            }
        }
    }

    /** An MQTT 5 device: Clean Start 0 and a Session Expiry Interval of an hour. */
    static final class V5 extends SoakInbox {
        private final org.eclipse.paho.mqttv5.client.MqttAsyncClient client;

        V5(String uri, String username, String token, String deviceName) throws Exception {
            super(username, token, deviceName);
            client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(uri, clientId,
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
                @Override
                public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
                    LOG.fine(() -> clientId + ": disconnected: " + response);
                }

                @Override
                public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
                    LOG.fine(() -> clientId + ": error: " + exception);
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                    arrived(message.getPayload());
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken delivery) {
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                }

                @Override
                public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
                }
            });
        }

        @Override
        boolean connect() throws Exception {
            org.eclipse.paho.mqttv5.client.MqttConnectionOptions options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3600L);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout(5);
            options.setReceiveMaximum(1000);
            options.setUserName(username);
            options.setPassword(token.getBytes(StandardCharsets.UTF_8));
            org.eclipse.paho.mqttv5.client.IMqttToken connected = client.connect(options);
            connected.waitForCompletion(10_000);
            return connected.getSessionPresent();
        }

        @Override
        void subscribe() throws Exception {
            client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription("im/inbox/" + username, 1))
                    .waitForCompletion(10_000);
        }

        @Override
        boolean connected() {
            return client.isConnected();
        }

        @Override
        void disconnect() {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(2000);
                }
                client.close(true);
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                LOG.log(Level.FINE, "closing " + clientId, e);
            }
        }
    }
}
