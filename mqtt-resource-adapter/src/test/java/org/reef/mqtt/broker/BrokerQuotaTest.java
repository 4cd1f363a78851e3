package org.reef.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.testing.FakeConnectionListenerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review F4: the state one user can make the broker keep is bounded. Retained messages per user, in number
 * and in bytes overall (refused with PUBACK 0x97 Quota exceeded); bytes queued per session and over all sessions
 * (the drop policy applies); Topic Aliases towards a client (the server's maximum, whatever the client offers);
 * persistent sessions per user (CONNACK 0x97).
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerQuotaTest extends BrokerTestBase {

    private static final long WAIT = 5_000;

    private void start(BrokerLimits.Builder limits) throws InterruptedException {
        start(TestConfig.defaults().limits(limits.build()).build());
    }

    private static BrokerLimits.Builder limits() {
        return BrokerLimits.forTests().toBuilder();
    }

    @Test
    void retainedMessagesBeyondTheUsersQuotaAreRefusedWith0x97() throws Exception {
        start(limits().maxRetainedPerUser(2));
        try (RawMqtt5Client client = RawMqtt5Client.connected5(broker.port(), "retainer")) {
            assertEquals(0x10, publishRetained(client, "r/1", 1, 10));
            assertEquals(0x10, publishRetained(client, "r/2", 2, 10));
            assertEquals(0x97, publishRetained(client, "r/3", 3, 10), "a third topic is over the quota");
            assertEquals(0x10, publishRetained(client, "r/1", 4, 10), "replacing one of the user's own is not");
            assertEquals(0x10, publishRetained(client, "r/2", 5, 0), "clearing one frees a place");
            assertEquals(0x10, publishRetained(client, "r/3", 6, 10));
        }
        assertEquals(2, broker.broker().retained().size());
    }

    @Test
    void retainedBytesOverAllUsersAreBounded() throws Exception {
        start(limits().maxRetainedBytes(1500));
        try (RawMqtt5Client a = RawMqtt5Client.connected5(broker.port(), "a");
             RawMqtt5Client b = RawMqtt5Client.connected5(broker.port(), "b")) {
            assertEquals(0x10, publishRetained(a, "big/a", 1, 1000));
            assertEquals(0x97, publishRetained(b, "big/b", 1, 1000));
        }
        assertEquals(1, broker.broker().retained().size());
    }

    @Test
    void retainedMessagesOverAllUsersAreBoundedInNumber() throws Exception {
        start(limits().maxRetained(1));
        try (RawMqtt5Client a = RawMqtt5Client.connected5(broker.port(), "a")) {
            assertEquals(0x10, publishRetained(a, "n/1", 1, 10));
            assertEquals(0x97, publishRetained(a, "n/2", 2, 10));
        }
    }

    @Test
    void bytesQueuedForOneSessionAreBounded() throws Exception {
        start(limits().maxQueuedBytes(2048));
        leaveSubscribed("away", "q/#");
        try (RawMqtt5Client publisher = RawMqtt5Client.connected5(broker.port(), "pub")) {
            for (int i = 1; i <= 10; i++) {
                publisher.send(RawMqtt5Client.publish("q/x", 1, i, new byte[500], MqttProperties.NO_PROPERTIES));
                publisher.expect(MqttMessageType.PUBACK, WAIT);
            }
        }
        Session away = broker.broker().sessions().get("away");
        assertTrue(Hive5.await(() -> away.queuedCount() + away.droppedCount() == 10, WAIT));
        assertTrue(away.queuedCount() <= 4, "at most 2048 bytes queued: " + away.queuedCount() + " messages");
    }

    @Test
    void bytesQueuedOverAllSessionsAreBounded() throws Exception {
        start(limits().maxQueuedBytesTotal(2048));
        leaveSubscribed("one", "t/#");
        leaveSubscribed("two", "t/#");
        try (RawMqtt5Client publisher = RawMqtt5Client.connected5(broker.port(), "pub")) {
            for (int i = 1; i <= 4; i++) {
                publisher.send(RawMqtt5Client.publish("t/x", 1, i, new byte[500], MqttProperties.NO_PROPERTIES));
                publisher.expect(MqttMessageType.PUBACK, WAIT);
            }
        }
        Session one = broker.broker().sessions().get("one");
        Session two = broker.broker().sessions().get("two");
        assertTrue(Hive5.await(() -> one.queuedCount() + one.droppedCount() + two.queuedCount()
                + two.droppedCount() == 8, WAIT));
        assertTrue(one.queuedCount() + two.queuedCount() <= 4,
                "at most 2048 bytes queued in all: " + (one.queuedCount() + two.queuedCount()) + " messages");
    }

    @Test
    void outboundTopicAliasesAreBoundedByTheServerNotTheClient() throws Exception {
        start(limits().maxOutboundTopicAliases(2));
        try (RawMqtt5Client subscriber = RawMqtt5Client.open(broker.port());
             RawMqtt5Client publisher = RawMqtt5Client.connected5(broker.port(), "pub")) {
            MqttProperties offer = new MqttProperties();
            offer.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), 65535));
            subscriber.connect(RawMqtt5Client.connect5("aliases", true).properties(offer).build());
            subscriber.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "al/#")
                    .build());
            subscriber.expect(MqttMessageType.SUBACK, WAIT);
            for (int i = 0; i < 5; i++) {
                publisher.send(RawMqtt5Client.publish("al/" + i, 0, 0, new byte[1], MqttProperties.NO_PROPERTIES));
            }
            List<Integer> aliases = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                MqttPublishMessage publish = (MqttPublishMessage) subscriber.expect(MqttMessageType.PUBLISH, WAIT);
                MqttProperties.MqttProperty<?> alias = publish.variableHeader().properties()
                        .getProperty(MqttPropertyType.TOPIC_ALIAS.value());
                aliases.add(alias == null ? 0 : (Integer) alias.value());
            }
            assertTrue(aliases.stream().allMatch(a -> a <= 2), "aliases used: " + aliases);
        }
    }

    @Test
    void aUserHoldsAtMostMaxSessionsPerUserPersistentSessions() throws Exception {
        start(limits().maxSessionsPerUser(2));
        MqttActivationSpec spec = new MqttActivationSpec();
        broker.broker().connectionEvents().add(new MqttActivation(
                FakeConnectionListenerFactory.acceptingOnly("alice", "secret", new ArrayList<>()), spec));
        assertEquals(0, connectPersistent("alice-1"));
        assertEquals(0, connectPersistent("alice-2"));
        assertEquals(0x97, connectPersistent("alice-3"), "a third persistent session is over the quota");
        assertEquals(0, connectPersistent("alice-1"), "resuming one of them is not");
    }

    /** Security review F8: without credentials, no session outlives its connection (unless configured). */
    @Test
    void anAnonymousClientGetsNoPersistentSession() throws Exception {
        start(limits().persistentAnonymousSessions(false));
        try (RawMqtt5Client client = RawMqtt5Client.open(broker.port())) {
            MqttProperties expiry = new MqttProperties();
            expiry.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 3600));
            io.netty.handler.codec.mqtt.MqttConnAckMessage ack = client.connect(
                    RawMqtt5Client.connect5("bob-phone", false).properties(expiry).build());
            MqttProperties.MqttProperty<?> granted = ack.variableHeader().properties()
                    .getProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value());
            assertEquals(0, granted == null ? 0 : (Integer) granted.value(), "MQTT 5 is told: no expiry");
            client.send(MqttMessageBuilders.disconnect().build());
            client.awaitClose(WAIT);
        }
        assertTrue(Hive5.await(() -> broker.broker().sessions().get("bob-phone") == null, WAIT),
                "the squatter's session ended with its connection");
        try (RawMqtt5Client client = RawMqtt5Client.open(broker.port())) {
            io.netty.handler.codec.mqtt.MqttConnAckMessage ack = client.connect(
                    MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("bob-tablet")
                            .cleanSession(false).build());
            assertEquals(0, ack.variableHeader().connectReturnCode().byteValue());
        }
        assertTrue(Hive5.await(() -> broker.broker().sessions().get("bob-tablet") == null, WAIT),
                "nor does a 3.1.1 CleanSession = 0 session without credentials");
    }

    private int connectPersistent(String clientId) throws Exception {
        try (RawMqtt5Client client = RawMqtt5Client.open(broker.port())) {
            MqttProperties expiry = new MqttProperties();
            expiry.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 3600));
            int code = client.connect(RawMqtt5Client.connect5(clientId, false).properties(expiry).username("alice")
                    .password("secret".getBytes(StandardCharsets.UTF_8)).build())
                    .variableHeader().connectReturnCode().byteValue() & 0xFF;
            if (code == 0) {
                client.send(MqttMessageBuilders.disconnect().build());
                client.awaitClose(WAIT);
            }
            return code;
        }
    }

    /** Connects an MQTT 5 persistent session, subscribes QoS 1 and disconnects: what follows is queued. */
    private void leaveSubscribed(String clientId, String filter) throws Exception {
        try (RawMqtt5Client client = RawMqtt5Client.open(broker.port())) {
            MqttProperties expiry = new MqttProperties();
            expiry.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 3600));
            client.connect(RawMqtt5Client.connect5(clientId, true).properties(expiry).build());
            client.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, filter)
                    .build());
            client.expect(MqttMessageType.SUBACK, WAIT);
            client.send(MqttMessageBuilders.disconnect().build());
            client.awaitClose(WAIT);
        }
        Session session = broker.broker().sessions().get(clientId);
        assertTrue(Hive5.await(() -> !session.isOnline(), WAIT));
    }

    private static int publishRetained(RawMqtt5Client client, String topic, int packetId, int size) throws Exception {
        MqttPublishMessage publish = new MqttPublishMessage(
                new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE,
                        true, 0),
                new io.netty.handler.codec.mqtt.MqttPublishVariableHeader(topic, packetId,
                        MqttProperties.NO_PROPERTIES),
                io.netty.buffer.Unpooled.wrappedBuffer(new byte[size]));
        client.send(publish);
        MqttMessage ack = client.expect(MqttMessageType.PUBACK, WAIT);
        return RawMqtt5Client.pubReplyReason(ack);
    }
}
