package org.reef.it;

import jakarta.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A chat client that sends to one recipient over {@code im/send} at QoS 1 the way a phone app must: every message
 * the user writes gets a {@code clientMsgId} and stays in an outbox until the server acknowledges it (PUBACK, and
 * for MQTT 5 a reason code below 0x80). Messages written while the server is away wait (up to a bounded outbox,
 * beyond which the user pauses); when the connection dies,
 * what was in flight goes back to the outbox; after reconnecting the outbox is sent again, same {@code clientMsgId}
 * (the server stores a repeat once). One thread drives it ({@link #run}); Paho's callbacks only change states.
 */
abstract class SoakSender implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SoakSender.class.getName());
    /** Well under half the server's Receive Maximum (64): Paho frees a slot a little after the PUBACK. */
    private static final int MAX_IN_FLIGHT = 16;
    private static final long RETRY_MILLIS = 1000;
    /** A bounded outbox, as apps keep: the user stops writing (waits for the server) beyond it. */
    private static final int MAX_OUTBOX = 50;

    final String username;
    final String token;
    final String recipient;
    private final long periodNanos;
    /** The outbox and the acknowledged messages, in writing order. Guarded by this. */
    private final Map<String, Outgoing> messages = new LinkedHashMap<>();
    private volatile boolean writing = true;
    private volatile boolean closed;
    private int written;
    private int resent;
    private int refusals;
    private int connects;

    SoakSender(String username, String token, String recipient, int perSecond) {
        this.username = username;
        this.token = token;
        this.recipient = recipient;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    /** Opens a connection with a clean session; throws while the server is away or not ready. */
    abstract void connect() throws Exception;

    abstract boolean connected();

    /** Publishes at QoS 1; the outcome comes back through {@link #acknowledged} or {@link #failed}. */
    abstract void publish(String clientMsgId, byte[] payload, int attempt) throws Exception;

    abstract void disconnect();

    /** Stops writing new messages; what is written keeps being sent until acknowledged. */
    void stopWriting() {
        writing = false;
    }

    synchronized int unacknowledged() {
        return (int) messages.values().stream().filter(m -> m.state != State.ACKNOWLEDGED).count();
    }

    /** The clientMsgIds the server acknowledged. */
    synchronized Set<String> acknowledged() {
        return messages.values().stream().filter(m -> m.state == State.ACKNOWLEDGED).map(m -> m.clientMsgId)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    synchronized String summary() {
        return username + ": written " + written + ", acknowledged " + acknowledged().size() + ", sent again "
                + resent + ", refused for now " + refusals + ", connections " + connects;
    }

    @Override
    public void run() {
        long nextWrite = System.nanoTime();
        long nextConnect = 0;
        while (!closed) {
            long now = System.nanoTime();
            if (writing && now >= nextWrite) {
                if (unacknowledged() < MAX_OUTBOX) {
                    write();
                }
                nextWrite += periodNanos;
            }
            if (!connected() && now >= nextConnect) {
                nextConnect = now + TimeUnit.MILLISECONDS.toNanos(500);
                try {
                    connect();
                    reconnected();
                } catch (Exception e) {
                    LOG.log(Level.FINE, "{0}: not connected yet: {1}", new Object[]{username, e.toString()});
                }
            }
            if (connected()) {
                sendWaiting();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void write() {
        String clientMsgId = username + "-" + written++;
        byte[] payload = Json.createObjectBuilder().add("to", "user:" + recipient).add("kind", "text")
                .add("body", "soak " + clientMsgId).add("clientMsgId", clientMsgId).build().toString()
                .getBytes(StandardCharsets.UTF_8);
        messages.put(clientMsgId, new Outgoing(clientMsgId, payload));
    }

    /** A new connection: whatever was in flight on the old one goes out again. */
    private synchronized void reconnected() {
        connects++;
        for (Outgoing message : messages.values()) {
            if (message.state == State.IN_FLIGHT) {
                message.state = State.WAITING;
                message.retryAt = 0;
                resent++;
            }
        }
    }

    private void sendWaiting() {
        List<Outgoing> batch = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            long inFlight = messages.values().stream().filter(m -> m.state == State.IN_FLIGHT).count();
            for (Outgoing message : messages.values()) {
                if (inFlight >= MAX_IN_FLIGHT) {
                    break;
                }
                if (message.state == State.WAITING && message.retryAt <= now) {
                    message.state = State.IN_FLIGHT;
                    message.attempt++;
                    batch.add(message);
                    inFlight++;
                }
            }
        }
        for (Outgoing message : batch) {
            try {
                publish(message.clientMsgId, message.payload, message.attempt);
            } catch (Exception e) {
                failed(message.clientMsgId, message.attempt, false);
            }
        }
    }

    /** The server acknowledged this message (an earlier attempt's PUBACK counts too: the message is stored). */
    synchronized void acknowledged(String clientMsgId) {
        messages.get(clientMsgId).state = State.ACKNOWLEDGED;
    }

    /**
     * This attempt failed: a refusal (MQTT 5 reason code 0x80 or above, e.g. 0x87 while the server's IM endpoints
     * are not active yet) or a lost connection. The message waits and is sent again, same clientMsgId.
     */
    synchronized void failed(String clientMsgId, int attempt, boolean refused) {
        Outgoing message = messages.get(clientMsgId);
        if (message.state == State.IN_FLIGHT && message.attempt == attempt) {
            message.state = State.WAITING;
            message.retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
            resent++;
            if (refused) {
                refusals++;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        disconnect();
    }

    private enum State { WAITING, IN_FLIGHT, ACKNOWLEDGED }

    private static final class Outgoing {
        final String clientMsgId;
        final byte[] payload;
        State state = State.WAITING;
        int attempt;
        long retryAt;

        Outgoing(String clientMsgId, byte[] payload) {
            this.clientMsgId = clientMsgId;
            this.payload = payload;
        }
    }

    /** An MQTT 3.1.1 sender (Paho's asynchronous client). */
    static final class V3 extends SoakSender {
        private final org.eclipse.paho.client.mqttv3.MqttAsyncClient client;

        V3(String uri, String username, String token, String recipient, int perSecond) throws Exception {
            super(username, token, recipient, perSecond);
            client = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(uri, username + "-sender",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        }

        @Override
        void connect() throws Exception {
            org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setMaxInflight(64);
            options.setConnectionTimeout(5);
            options.setUserName(username);
            options.setPassword(token.toCharArray());
            client.connect(options).waitForCompletion(10_000);
        }

        @Override
        boolean connected() {
            return client.isConnected();
        }

        @Override
        void publish(String clientMsgId, byte[] payload, int attempt) throws Exception {
            client.publish("im/send", payload, 1, false, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                    acknowledged(clientMsgId);
                }

                @Override
                public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable cause) {
                    failed(clientMsgId, attempt, false);
                }
            });
        }

        @Override
        void disconnect() {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(2000);
                }
                client.close(true);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                LOG.log(Level.FINE, "closing " + username, e);
            }
        }
    }

    /** An MQTT 5 sender (Paho's asynchronous client). */
    static final class V5 extends SoakSender {
        private final org.eclipse.paho.mqttv5.client.MqttAsyncClient client;

        V5(String uri, String username, String token, String recipient, int perSecond) throws Exception {
            super(username, token, recipient, perSecond);
            client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(uri, username + "-sender",
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        }

        @Override
        void connect() throws Exception {
            org.eclipse.paho.mqttv5.client.MqttConnectionOptions options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout(5);
            options.setUserName(username);
            options.setPassword(token.getBytes(StandardCharsets.UTF_8));
            client.connect(options).waitForCompletion(10_000);
        }

        @Override
        boolean connected() {
            return client.isConnected();
        }

        @Override
        void publish(String clientMsgId, byte[] payload, int attempt) throws Exception {
            client.publish("im/send", payload, 1, false, null, new org.eclipse.paho.mqttv5.client.MqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken token) {
                    int[] reasons = token.getReasonCodes();
                    if (reasons == null || reasons.length == 0 || reasons[0] < 0x80) {
                        acknowledged(clientMsgId);
                    } else {
                        failed(clientMsgId, attempt, true);
                    }
                }

                @Override
                public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken token, Throwable cause) {
                    failed(clientMsgId, attempt, cause instanceof org.eclipse.paho.mqttv5.common.MqttException e
                            && e.getReasonCode() >= 0x80 && e.getReasonCode() <= 0xFF);
                }
            });
        }

        @Override
        void disconnect() {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(2000);
                }
                client.close(true);
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                LOG.log(Level.FINE, "closing " + username, e);
            }
        }
    }
}
