package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttSubscriptionRequest;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.session.MessageRouter;
import org.reef.mqtt.testing.FakeConnectionListenerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subscriptions an application accepts for the connection only and for a limited number of sessions
 * ({@link MqttAck#acceptedForConnection}), as chat rooms use them: the limit (MQTT 5 SUBACK 0x97 Quota exceeded,
 * MQTT 3.1.1 0x80 Failure), the places UNSUBSCRIBE, disconnects and takeovers free, and persistent sessions that
 * neither keep nor restore such subscriptions.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionScopedSubscriptionTest extends BrokerTestBase {

    private static final String ROOM = "chat/room/1";
    private static final int TIMEOUT = 5_000;

    private final List<RawMqtt5Client> raw = new ArrayList<>();

    /** A broker whose application accepts chat/room/* for the connection and for {@code limit} sessions. */
    private void startWithRoomLimit(int limit, int ioThreads) throws InterruptedException {
        start(TestConfig.defaults().ioThreads(ioThreads).build());
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter("chat/#");
        broker.broker().connectionEvents().add(new MqttActivation(new FakeConnectionListenerFactory(
                new MqttConnectionListener() {
                    @Override
                    public MqttAuthentication authenticate(MqttConnectRequest request) {
                        return MqttAuthentication.accepted(request.username());
                    }

                    @Override
                    public MqttAck authorizeSubscription(MqttSubscriptionRequest request) {
                        return request.topicFilter().startsWith("chat/room/")
                                ? MqttAck.acceptedForConnection(limit) : MqttAck.ACCEPTED;
                    }

                    @Override
                    public void connected(MqttConnectionEvent event) {
                    }

                    @Override
                    public void disconnected(MqttConnectionEvent event) {
                    }
                }), spec));
    }

    private MessageRouter router() {
        return broker.broker().router();
    }

    @AfterEach
    void closeRawClients() {
        for (RawMqtt5Client client : raw) {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Test
    void theSubscriberAfterTheLimitGetsQuotaExceeded() throws Exception {
        startWithRoomLimit(2, 1);
        assertEquals(1, subscribe(client5("a"), 1, ROOM));
        assertEquals(1, subscribe(client5("b"), 1, ROOM));
        assertEquals(0x97, subscribe(client5("c"), 1, ROOM));

        assertEquals(2, router().subscriberCount(ROOM));
        assertTrue(router().isSubscribed("a", ROOM));
        assertFalse(router().isSubscribed("c", ROOM));
        assertEquals(1, broker.broker().metrics().refusedSubscriptionCount());
        assertEquals(1, subscribe(client5("d"), 1, "chat/room/2"), "the limit is per filter");
    }

    @Test
    void mqtt311SubscribersAfterTheLimitGetFailure() throws Exception {
        startWithRoomLimit(1, 1);
        assertEquals(1, subscribe(client311("a"), 1, ROOM));
        assertEquals(0x80, subscribe(client311("b"), 1, ROOM));
        assertEquals(1, router().subscriberCount(ROOM));
    }

    @Test
    void aRepeatedSubscribeKeepsItsPlaceAndCountsOnce() throws Exception {
        startWithRoomLimit(1, 1);
        RawMqtt5Client a = client5("a");
        assertEquals(1, subscribe(a, 1, ROOM));
        assertEquals(1, subscribe(a, 2, ROOM), "at the limit, the holder may subscribe again");
        assertEquals(1, router().subscriberCount(ROOM));
        assertEquals(0x97, subscribe(client5("b"), 3, ROOM));
    }

    @Test
    void unsubscribeAndDisconnectFreePlaces() throws Exception {
        startWithRoomLimit(2, 1);
        RawMqtt5Client a = client5("a");
        RawMqtt5Client b = client5("b");
        subscribe(a, 1, ROOM);
        subscribe(b, 1, ROOM);
        assertEquals(0x97, subscribe(client5("c"), 1, ROOM));

        a.send(MqttMessageBuilders.unsubscribe().messageId(2).addTopicFilter(ROOM).build());
        a.expect(MqttMessageType.UNSUBACK, TIMEOUT);
        assertEquals(1, router().subscriberCount(ROOM));
        assertEquals(1, subscribe(client5("d"), 1, ROOM), "UNSUBSCRIBE freed a place");

        b.drop(); // gone without DISCONNECT
        assertTrue(Hive5.await(() -> router().subscriberCount(ROOM) == 1, TIMEOUT), "the connection's end freed b's");
        assertEquals(1, subscribe(client5("e"), 1, ROOM));
        assertEquals(0x97, subscribe(client5("f"), 1, ROOM));
    }

    @Test
    void concurrentSubscribersOnSeveralEventLoopsNeverExceedTheLimit() throws Exception {
        int limit = 5;
        int clients = 24;
        startWithRoomLimit(limit, 4);
        List<RawMqtt5Client> connected = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connected.add(client5("m" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> codes = new ArrayList<>();
            for (RawMqtt5Client client : connected) {
                codes.add(pool.submit(() -> {
                    go.await();
                    return subscribe(client, 1, ROOM);
                }));
            }
            go.countDown();
            int granted = 0;
            int quota = 0;
            for (Future<Integer> code : codes) {
                int value = code.get(TIMEOUT, TimeUnit.MILLISECONDS);
                if (value == 1) {
                    granted++;
                } else if (value == 0x97) {
                    quota++;
                }
            }
            assertEquals(limit, granted);
            assertEquals(clients - limit, quota);
            assertEquals(limit, router().subscriberCount(ROOM));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPersistentSessionNeitherKeepsNorRestoresAConnectionScopedSubscription() throws Exception {
        startWithRoomLimit(0, 1);
        Mqtt5BlockingClient phone = hive.client("phone");
        phone.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        phone.subscribeWith().topicFilter(ROOM).qos(MqttQos.AT_LEAST_ONCE).send();
        phone.subscribeWith().topicFilter("news/today").qos(MqttQos.AT_LEAST_ONCE).send();
        assertTrue(router().isSubscribed("phone", ROOM));
        phone.disconnect();

        assertTrue(Hive5.await(() -> !router().isSubscribed("phone", ROOM), TIMEOUT), "gone with the connection");
        assertTrue(router().isSubscribed("phone", "news/today"), "an ordinary subscription stays in the session");

        Mqtt5BlockingClient back = hive.client("phone");
        BlockingQueue<Mqtt5Publish> received = Hive5.collect(back);
        Mqtt5ConnAck ack = back.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertTrue(ack.isSessionPresent());
        assertFalse(router().isSubscribed("phone", ROOM), "not restored with the session");
        assertEquals(0, router().subscriberCount(ROOM));

        Mqtt5BlockingClient sender = hive.connect("sender");
        sender.publishWith().topic(ROOM).qos(MqttQos.AT_LEAST_ONCE).payload(Hive5.bytes("room")).send();
        sender.publishWith().topic("news/today").qos(MqttQos.AT_LEAST_ONCE).payload(Hive5.bytes("news")).send();
        assertEquals("news", Hive5.text(Hive5.next(received)));
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "nothing from the room after the reconnect");
    }

    @Test
    void aTakeoverFreesThePlacesOfTheOldConnection() throws Exception {
        startWithRoomLimit(1, 2);
        RawMqtt5Client old = persistent5("tablet");
        assertEquals(1, subscribe(old, 1, ROOM));
        assertEquals(0x97, subscribe(client5("other"), 1, ROOM));

        RawMqtt5Client taking = RawMqtt5Client.open(broker.port());
        raw.add(taking);
        MqttConnAckMessage ack = taking.connect(persistentConnect("tablet"));
        assertTrue(ack.variableHeader().isSessionPresent(), "the session was resumed");
        assertFalse(router().isSubscribed("tablet", ROOM), "the old connection's subscription went with it");
        assertEquals(1, subscribe(client5("third"), 1, ROOM), "its place is free");
    }

    // ---- helpers ----

    private RawMqtt5Client client5(String clientId) throws IOException {
        RawMqtt5Client client = RawMqtt5Client.connected5(broker.port(), clientId);
        raw.add(client);
        return client;
    }

    private RawMqtt5Client client311(String clientId) throws IOException {
        RawMqtt5Client client = RawMqtt5Client.open(broker.port());
        raw.add(client);
        MqttConnAckMessage ack = client.connect(MqttMessageBuilders.connect().clientId(clientId)
                .protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(true).keepAlive(60).build());
        assertEquals(0, ack.variableHeader().connectReturnCode().byteValue());
        return client;
    }

    private RawMqtt5Client persistent5(String clientId) throws IOException {
        RawMqtt5Client client = RawMqtt5Client.open(broker.port());
        raw.add(client);
        assertEquals(0, client.connect(persistentConnect(clientId)).variableHeader().connectReturnCode().byteValue());
        return client;
    }

    private static io.netty.handler.codec.mqtt.MqttConnectMessage persistentConnect(String clientId) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(
                MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 60));
        return RawMqtt5Client.connect5(clientId, false).properties(properties).build();
    }

    /** Sends SUBSCRIBE (QoS 1 for each filter) and returns the SUBACK's first reason code. */
    private static int subscribe(RawMqtt5Client client, int packetId, String... filters) throws IOException {
        MqttMessageBuilders.SubscribeBuilder builder = MqttMessageBuilders.subscribe().messageId(packetId);
        for (String filter : filters) {
            builder.addSubscription(MqttQoS.AT_LEAST_ONCE, filter);
        }
        client.send(builder.build());
        MqttMessage reply = client.expect(MqttMessageType.SUBACK, TIMEOUT);
        return ((MqttSubAckMessage) reply).payload().reasonCodes().get(0);
    }
}
