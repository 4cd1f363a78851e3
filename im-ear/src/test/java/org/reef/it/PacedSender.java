package org.reef.it;

import jakarta.json.Json;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One user's device sending direct messages to another user at a steady pace over MQTT 5 or 3.1.1, in its own
 * thread, recording for every send when it was published and what came back: a PUBACK reason (MQTT 5), a PUBACK
 * (3.1.1, which carries no verdict), or nothing yet. Stops at {@link #close()}, or by itself when the connection is
 * lost (the reason of an MQTT 5 DISCONNECT is kept).
 */
final class PacedSender implements AutoCloseable {

    /** What became of one send. {@code reason}: -1 while unanswered, else the PUBACK reason (3.1.1: 0). */
    static final class Send {
        final String clientMsgId;
        final long publishedNanos;
        volatile int reason = -1;
        volatile String reasonString;
        volatile long answeredNanos;

        Send(String clientMsgId, long publishedNanos) {
            this.clientMsgId = clientMsgId;
            this.publishedNanos = publishedNanos;
        }

        boolean acknowledged() {
            return reason == 0;
        }

        boolean answered() {
            return reason >= 0;
        }

        @Override
        public String toString() {
            return clientMsgId + (reason < 0 ? " unanswered" : " 0x" + Integer.toHexString(reason));
        }
    }

    private final String user;
    private final String recipient;
    private final String prefix;
    private final long pauseMillis;
    private final int protocol;
    private final org.eclipse.paho.mqttv5.client.MqttAsyncClient v5;
    private final org.eclipse.paho.client.mqttv3.MqttAsyncClient v3;
    private final List<Send> sends = new CopyOnWriteArrayList<>();
    private final Map<String, Send> byId = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean lost;
    private volatile int disconnectReason = -1;

    private PacedSender(int protocol, String user, String token, String recipient, String prefix, long pauseMillis)
            throws Exception {
        this.protocol = protocol;
        this.user = user;
        this.recipient = recipient;
        this.prefix = prefix;
        this.pauseMillis = pauseMillis;
        if (protocol == 5) {
            v5 = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(Reef.mqttUri(), user + "-" + prefix,
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            v5.setCallback(new V5Callback());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setUserName(user);
            options.setPassword(token.getBytes(StandardCharsets.UTF_8));
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            v5.connect(options).waitForCompletion(15_000);
            v3 = null;
        } else {
            v3 = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(Reef.mqttUri(), user + "-" + prefix,
                    new MemoryPersistence());
            v3.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    lost = true;
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(true);
            options.setMaxInflight(1000);
            options.setAutomaticReconnect(false);
            options.setUserName(user);
            options.setPassword(token.toCharArray());
            v3.connect(options).waitForCompletion(15_000);
            v5 = null;
        }
        thread = new Thread(this::run, "paced-sender-" + user);
        thread.setDaemon(true);
    }

    /** An MQTT 5 sender publishing one message every {@code pauseMillis}; started. */
    static PacedSender mqtt5(String user, String token, String recipient, long pauseMillis) throws Exception {
        PacedSender sender = new PacedSender(5, user, token, recipient, "v5", pauseMillis);
        sender.thread.start();
        return sender;
    }

    /** An MQTT 3.1.1 sender publishing one message every {@code pauseMillis}; started. */
    static PacedSender mqtt311(String user, String token, String recipient, long pauseMillis) throws Exception {
        PacedSender sender = new PacedSender(3, user, token, recipient, "v311", pauseMillis);
        sender.thread.start();
        return sender;
    }

    private void run() {
        ArrayDeque<IMqttToken> window = new ArrayDeque<>();
        int i = 0;
        while (running && !lost) {
            try {
                if (protocol == 5) {
                    // Paho frees an in-flight slot only once its token completed: keep well under the server's 64.
                    while (window.size() >= 16) {
                        window.poll().waitForCompletion(30_000);
                    }
                }
                publish(prefix + "-" + i++, window);
                TimeUnit.MILLISECONDS.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!isConnected()) {
                    lost = true;
                }
            }
        }
    }

    /** Publishes one message now, on the caller's thread (also usable after {@link #stopSending()}). */
    Send publishNow(String clientMsgId) throws Exception {
        return publish(clientMsgId, null);
    }

    private Send publish(String clientMsgId, ArrayDeque<IMqttToken> window) throws Exception {
        byte[] payload = Json.createObjectBuilder().add("to", "user:" + recipient).add("kind", "text")
                .add("body", "body of " + clientMsgId).add("clientMsgId", clientMsgId).build().toString()
                .getBytes(StandardCharsets.UTF_8);
        Send send = new Send(clientMsgId, System.nanoTime());
        Send earlier = byId.put(clientMsgId, send);
        if (earlier == null) {
            sends.add(send);
        } else {
            sends.set(sends.indexOf(earlier), send);
        }
        if (protocol == 5) {
            IMqttToken token = v5.publish("im/send", payload, 1, false, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken done) {
                    int[] codes = done.getReasonCodes();
                    answer(send, codes == null || codes.length == 0 ? 0 : codes[0], done.getResponse());
                }

                @Override
                public void onFailure(IMqttToken done, Throwable failure) {
                    if (failure instanceof MqttException e && e.getReasonCode() >= 0x80
                            && e.getReasonCode() <= 0xA2) {
                        answer(send, e.getReasonCode(), done.getResponse());
                    }
                }
            });
            if (window != null) {
                window.add(token);
            }
        } else {
            v3.publish("im/send", payload, 1, false, null, new IMqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken done) {
                    answer(send, 0, null);
                }

                @Override
                public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken done, Throwable failure) {
                    // lost with the connection: unanswered
                }
            });
        }
        return send;
    }

    private static void answer(Send send, int reason, MqttWireMessage response) {
        if (response instanceof MqttPubAck ack && ack.getProperties() != null) {
            send.reasonString = ack.getProperties().getReasonString();
        }
        send.answeredNanos = System.nanoTime();
        send.reason = reason;
    }

    /** Stops the sending thread (the connection stays open). */
    void stopSending() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(30_000);
    }

    List<Send> sends() {
        return List.copyOf(sends);
    }

    long count(Predicate<Send> condition) {
        return sends.stream().filter(condition).count();
    }

    /** Waits (bounded) until at least {@code count} sends were acknowledged. */
    void awaitAcknowledged(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (count(Send::acknowledged) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(user + ": fewer than " + count + " sends acknowledged within "
                        + timeoutMillis + " ms: " + sends);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Waits (bounded) until a send is answered; returns whether it was. */
    static boolean awaitAnswer(Send send, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!send.answered() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return send.answered();
    }

    boolean isConnected() {
        return protocol == 5 ? v5.isConnected() : v3.isConnected();
    }

    boolean connectionLost() {
        return lost;
    }

    /** The reason code of the server's MQTT 5 DISCONNECT, or -1 if none came. */
    int disconnectReason() {
        return disconnectReason;
    }

    String user() {
        return user;
    }

    @Override
    public void close() throws Exception {
        stopSending();
        try {
            if (protocol == 5) {
                if (v5.isConnected()) {
                    v5.disconnect().waitForCompletion(5_000);
                }
                v5.close();
            } else {
                if (v3.isConnected()) {
                    v3.disconnect().waitForCompletion(5_000);
                }
                v3.close();
            }
        } catch (Exception e) {
            // gone already
        }
    }

    private final class V5Callback implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            disconnectReason = response.getReturnCode();
            lost = true;
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties props) {
        }
    }
}
