package org.reef.mqtt.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttSubscriptionRequest;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.broker.SysTopics;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.testing.FakeConnectionListenerFactory;
import org.reef.mqtt.testing.FakeWorkManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's {@code $SYS/broker/...} topics: published retained by the broker, readable by administrators (and by
 * anonymous clients where anonymous access is allowed), refused to other users, never writable by a client
 * (MQTT 5.0 section 4.7.2), and never matched by a filter starting with a wildcard [MQTT-4.7.2-1].
 */
class SysTopicsTest {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    @Test
    void anAdministratorReadsTheBrokersValuesAsRetainedMessages() throws Exception {
        MqttBroker broker = brokerWithUsers(false);
        EmbeddedMqttConnection admin = connect(broker, "ops", MqttVersion.MQTT_5, "root");
        connect(broker, "bob-phone", MqttVersion.MQTT_3_1_1, "bob");
        new SysTopics(broker).publish();

        admin.send(subscribe(2, "$SYS/broker/#"));
        List<MqttMessage> received = awaitAtLeast(admin, 2);
        assertEquals(List.of(0), ((MqttSubAckMessage) received.get(0)).payload().reasonCodes());
        Map<String, String> values = publishes(admin, received);
        assertEquals("2", values.get("$SYS/broker/clients/connected"));
        assertTrue(values.get("$SYS/broker/version").startsWith("reef version"), values.toString());
        assertTrue(values.get("$SYS/broker/uptime").endsWith(" seconds"), values.toString());
        for (String topic : List.of("clients/total", "clients/maximum", "clients/disconnected", "messages/received",
                "messages/sent", "publish/messages/dropped", "bytes/received", "bytes/sent", "subscriptions/count",
                "retained messages/count")) {
            assertTrue(values.containsKey("$SYS/broker/" + topic), topic + " in " + values.keySet());
        }
        assertEquals("0", values.get("$SYS/broker/subscriptions/count"), "published before anyone subscribed");
    }

    @Test
    void aUserWhoIsNotAnAdministratorIsRefused() throws Exception {
        MqttBroker broker = brokerWithUsers(false);
        EmbeddedMqttConnection bob5 = connect(broker, "bob-phone", MqttVersion.MQTT_5, "bob");
        bob5.send(subscribe(2, "$SYS/#", "$share/g/$SYS/broker/uptime", "sensors/#"));
        assertEquals(List.of(0x87, 0x87, 0), ((MqttSubAckMessage) awaitOne(bob5)).payload().reasonCodes());

        EmbeddedMqttConnection bob3 = connect(broker, "bob-laptop", MqttVersion.MQTT_3_1_1, "bob");
        bob3.send(subscribe(3, "$SYS/broker/uptime"));
        assertEquals(List.of(0x80), ((MqttSubAckMessage) awaitOne(bob3)).payload().reasonCodes());
    }

    @Test
    void anonymousClientsReadItOnlyWhereAnonymousAccessIsAllowed() throws Exception {
        EmbeddedMqttConnection open = connect(new MqttBroker(BrokerConfig.forTests(), workManager), "anon",
                MqttVersion.MQTT_5, null);
        open.send(subscribe(2, "$SYS/broker/uptime"));
        assertEquals(List.of(0), ((MqttSubAckMessage) awaitOne(open)).payload().reasonCodes());

        // without anonymous access an anonymous client cannot even connect; a user still cannot read $SYS
        MqttBroker closed = brokerWithUsers(false);
        EmbeddedMqttConnection refused = connectRaw(closed, MqttMessageBuilders.connect().clientId("anon")
                .protocolVersion(MqttVersion.MQTT_5).cleanSession(true).build());
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                ((MqttConnAckMessage) awaitOne(refused)).variableHeader().connectReturnCode());
    }

    @Test
    void noClientMayPublishToSysNotEvenAnAdministrator() throws Exception {
        MqttBroker broker = brokerWithUsers(false);
        EmbeddedMqttConnection admin = connect(broker, "ops", MqttVersion.MQTT_5, "root");
        admin.send(subscribe(2, "$SYS/#"));
        awaitOne(admin);
        admin.send(MqttMessageBuilders.publish().topicName("$SYS/broker/version").qos(MqttQoS.AT_LEAST_ONCE)
                .retained(true).messageId(3).payload(Unpooled.copiedBuffer("fake", StandardCharsets.UTF_8))
                .build());
        List<MqttMessage> answer = awaitAtLeast(admin, 1);
        assertEquals(1, answer.size(), "only the PUBACK, nothing routed: " + answer);
        assertEquals(0x87, ((MqttPubReplyMessageVariableHeader) answer.get(0).variableHeader()).reasonCode() & 0xFF);
        assertEquals(0, broker.retained().size(), "nothing retained");

        EmbeddedMqttConnection anon = connect(new MqttBroker(BrokerConfig.forTests(), workManager), "anon",
                MqttVersion.MQTT_3_1_1, null);
        anon.send(MqttMessageBuilders.publish().topicName("$SYS/x").qos(MqttQoS.AT_LEAST_ONCE).messageId(4)
                .payload(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8)).build());
        assertEquals(io.netty.handler.codec.mqtt.MqttMessageType.PUBACK,
                awaitOne(anon).fixedHeader().messageType(), "3.1.1 cannot refuse: acknowledged and discarded");
    }

    @Test
    void wildcardsAtTheRootDoNotMatchSys() throws Exception {
        MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
        EmbeddedMqttConnection everything = connect(broker, "all", MqttVersion.MQTT_5, null);
        everything.send(subscribe(2, "#", "+/broker/#"));
        assertEquals(List.of(0, 0), ((MqttSubAckMessage) awaitOne(everything)).payload().reasonCodes());
        new SysTopics(broker).publish();
        Thread.sleep(50);
        assertEquals(List.of(), everything.received(), "nothing of $SYS reaches # or +/broker/#");
        assertTrue(broker.retained().size() > 10, "yet the values are retained");
    }

    @Test
    void aValueIsPublishedAgainOnlyWhenItChanged() throws Exception {
        MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
        SysTopics sys = new SysTopics(broker);
        sys.publish();
        EmbeddedMqttConnection reader = connect(broker, "reader", MqttVersion.MQTT_5, null);
        reader.send(subscribe(2, "$SYS/broker/clients/connected", "$SYS/broker/version"));
        Map<String, String> first = publishes(reader, awaitAtLeast(reader, 3));
        assertEquals("0", first.get("$SYS/broker/clients/connected"), "the retained value of before");
        sys.publish();
        Map<String, String> second = publishes(reader, awaitAtLeast(reader, 1));
        assertEquals(Map.of("$SYS/broker/clients/connected", "1"), second, "the version did not change");
    }

    @Test
    void sysFiltersAreRecognisedWithAndWithoutShare() {
        assertTrue(SysTopics.isSysFilter("$SYS/#"));
        assertTrue(SysTopics.isSysFilter("$SYS"));
        assertTrue(SysTopics.isSysFilter("$share/g/$SYS/broker/+"));
        assertFalse(SysTopics.isSysFilter("#"));
        assertFalse(SysTopics.isSysFilter("$SYSTEM/x"));
        assertFalse(SysTopics.isSysFilter("sys/$SYS"));
    }

    /** Users authenticate with any password; "root" is an administrator. */
    private MqttBroker brokerWithUsers(boolean allowAnonymous) {
        BrokerConfig tests = BrokerConfig.forTests();
        MqttBroker broker = new MqttBroker(new BrokerConfig(tests.maxPacketSize(), tests.maxClientIdLength(),
                allowAnonymous, tests.maxInflight(), tests.ioThreads(), tests.maxQueued(), tests.maxTopicLength(),
                tests.maxTopicLevels(), tests.maxKeepAlive(), tests.maxConnections(), tests.topicAliasMaximum(),
                tests.maxSessionExpiry(), tests.connectRate(), tests.connectBurst(), tests.limits()), workManager);
        MqttActivationSpec spec = new MqttActivationSpec();
        broker.addConnectionListener(new MqttActivation(new FakeConnectionListenerFactory(new MqttConnectionListener() {
            @Override
            public MqttAuthentication authenticate(MqttConnectRequest request) {
                return "root".equals(request.username()) ? MqttAuthentication.acceptedAdministrator("root")
                        : MqttAuthentication.accepted(request.username());
            }

            @Override
            public MqttAck authorizeSubscription(MqttSubscriptionRequest request) {
                return MqttAck.ACCEPTED;
            }

            @Override
            public void connected(MqttConnectionEvent event) {
            }

            @Override
            public void disconnected(MqttConnectionEvent event) {
            }
        }), spec));
        return broker;
    }

    private static MqttMessage subscribe(int id, String... filters) {
        MqttMessageBuilders.SubscribeBuilder builder = MqttMessageBuilders.subscribe().messageId(id);
        for (String filter : filters) {
            builder.addSubscription(MqttQoS.AT_MOST_ONCE, filter);
        }
        return builder.build();
    }

    private static Map<String, String> publishes(EmbeddedMqttConnection connection, List<MqttMessage> received) {
        Map<String, String> values = new HashMap<>();
        for (MqttMessage message : received) {
            if (message instanceof MqttPublishMessage publish) {
                assertNull(values.put(publish.variableHeader().topicName().isEmpty() ? "?"
                        : publish.variableHeader().topicName(),
                        publish.payload().toString(StandardCharsets.UTF_8)), "each topic once");
            }
        }
        return values;
    }

    private EmbeddedMqttConnection connect(MqttBroker broker, String clientId, MqttVersion version, String user)
            throws InterruptedException {
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect().clientId(clientId)
                .protocolVersion(version).cleanSession(true);
        if (user != null) {
            connect.username(user).password("pw".getBytes(StandardCharsets.UTF_8));
        }
        EmbeddedMqttConnection connection = connectRaw(broker, connect.build());
        MqttConnAckMessage ack = (MqttConnAckMessage) awaitOne(connection);
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, ack.variableHeader().connectReturnCode());
        return connection;
    }

    private EmbeddedMqttConnection connectRaw(MqttBroker broker, MqttMessage connect) {
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(broker);
        connections.add(connection);
        connection.send(connect);
        return connection;
    }

    private static MqttMessage awaitOne(EmbeddedMqttConnection connection) throws InterruptedException {
        return awaitAtLeast(connection, 1).get(0);
    }

    /** Everything received once at least {@code count} packets are there, waiting with a bound. */
    private static List<MqttMessage> awaitAtLeast(EmbeddedMqttConnection connection, int count)
            throws InterruptedException {
        List<MqttMessage> all = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            all.addAll(connection.received());
            if (all.size() >= count) {
                Thread.sleep(20);
                all.addAll(connection.received());
                return all;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("fewer than " + count + " packets within 5 s: " + all);
    }
}
