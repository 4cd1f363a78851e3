package org.reef.mqtt.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.BrokerLimits;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.testing.FakeConnectionListenerFactory;
import org.reef.mqtt.testing.FakeEndpointFactory;
import org.reef.mqtt.testing.FakeWorkManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review F12: a reserved namespace ({@code im/#}) is closed until both an inflow endpoint and a connection
 * listener covering it are active: PUBLISH (retained or not) gets 0x87, SUBSCRIBE filters reaching into it get 0x87
 * (MQTT 3.1.1: 0x80), a will into it refuses the CONNECT. When a guard activates, the subscriptions it would refuse
 * are dropped.
 */
class ReservedTopicsTest {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    private MqttBroker broker(List<String> reserved) {
        return new MqttBroker(BrokerConfig.forTests().withLimits(
                BrokerLimits.forTests().toBuilder().reservedTopics(reserved).build()), workManager);
    }

    @Test
    void beforeTheEndpointsActivateTheReservedNamespaceIsClosed() throws Exception {
        MqttBroker broker = broker(List.of("im/#"));
        EmbeddedMqttConnection client = connect(broker, "spy", MqttVersion.MQTT_5, null);
        client.send(RawPublish.qos1("im/inbox/bob", 1, true));
        assertEquals(0x87, reason(awaitOne(client)));
        assertEquals(0, broker.retained().size(), "nothing retained");

        client.send(MqttMessageBuilders.subscribe().messageId(2)
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "#")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "+/inbox/+")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "sensors/#").build());
        MqttSubAckMessage subAck = (MqttSubAckMessage) awaitOne(client);
        assertEquals(List.of(0x87, 0x87, 1), subAck.payload().reasonCodes());

        EmbeddedMqttConnection willer = connectRaw(broker, MqttMessageBuilders.connect().clientId("w")
                .protocolVersion(MqttVersion.MQTT_5).cleanSession(true).willFlag(true).willTopic("im/presence/alice")
                .willMessage("x".getBytes(StandardCharsets.UTF_8)).build());
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                ((MqttConnAckMessage) awaitOne(willer)).variableHeader().connectReturnCode());
    }

    @Test
    void oneEndpointAloneDoesNotOpenTheNamespace() throws Exception {
        MqttBroker broker = broker(List.of("im/#"));
        broker.inflow().add(inflow("im/#"));
        EmbeddedMqttConnection client = connect(broker, "early", MqttVersion.MQTT_3_1_1, null);
        client.send(MqttMessageBuilders.subscribe().messageId(2).addSubscription(MqttQoS.AT_LEAST_ONCE, "im/#").build());
        assertEquals(List.of(0x80), ((MqttSubAckMessage) awaitOne(client)).payload().reasonCodes());
    }

    /**
     * The window at every start and redeploy: the guard (logins) is active, the inflow endpoint not yet. An MQTT 3.1.1
     * client cannot be told "not now" [MQTT-3.3.5-2]; a PUBACK would lose its message, so the connection closes
     * without one and the client sends the message again after reconnecting (found by KillSoakIT's reading).
     */
    @Test
    void aMqtt311PublishIntoTheClosedNamespaceClosesTheConnectionUnacknowledged() throws Exception {
        MqttBroker broker = broker(List.of("im/#"));
        broker.addConnectionListener(guard("im/#", MqttAck.ACCEPTED));
        EmbeddedMqttConnection client = connect(broker, "alice-phone", MqttVersion.MQTT_3_1_1, "alice");
        client.send(RawPublish.qos1("im/send", 1, false));
        assertEquals(List.of(), client.received(), "no PUBACK");
        assertFalse(client.isOpen(), "closed, so that the client sends it again");
    }

    @Test
    void withBothEndpointsActiveTheNamespaceIsTheApplicationsAgain() throws Exception {
        MqttBroker broker = broker(List.of("im/#"));
        broker.inflow().add(inflow("im/#"));
        broker.addConnectionListener(guard("im/#", MqttAck.ACCEPTED));
        EmbeddedMqttConnection client = connect(broker, "alice-phone", MqttVersion.MQTT_5, "alice");
        client.send(RawPublish.qos1("im/send", 1, false));
        assertEquals(0, reason(awaitOne(client)), "taken by the inflow endpoint");
    }

    @Test
    void whenAGuardActivatesTheSubscriptionsItRefusesAreDropped() throws Exception {
        MqttBroker broker = broker(List.of());
        EmbeddedMqttConnection client = connect(broker, "spy", MqttVersion.MQTT_5, null);
        client.send(MqttMessageBuilders.subscribe().messageId(2)
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "+/inbox/+")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "sensors/#").build());
        awaitOne(client);
        assertTrue(broker.router().isSubscribed("spy", "+/inbox/+"));

        broker.addConnectionListener(guard("im/#", MqttAck.refused(0x87, "no")));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (broker.router().isSubscribed("spy", "+/inbox/+") && System.nanoTime() < deadline) {
            client.received(); // runs the event loop's tasks
            Thread.sleep(10);
        }
        assertFalse(broker.router().isSubscribed("spy", "+/inbox/+"), "the guard's refusal dropped it");
        assertTrue(broker.router().isSubscribed("spy", "sensors/#"), "outside its namespace nothing changed");
        assertFalse(broker.sessions().get("spy").subscriptions().containsKey("+/inbox/+"));
    }

    private static MqttActivation inflow(String filter) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(filter);
        return new MqttActivation(new FakeEndpointFactory(message -> MqttAck.ACCEPTED), spec);
    }

    /** A guard that authenticates anyone and answers every subscription check with {@code verdict}. */
    private static MqttActivation guard(String namespace, MqttAck verdict) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(namespace);
        return new MqttActivation(new FakeConnectionListenerFactory(new org.reef.mqtt.api.MqttConnectionListener() {
            @Override
            public org.reef.mqtt.api.MqttAuthentication authenticate(org.reef.mqtt.api.MqttConnectRequest request) {
                return org.reef.mqtt.api.MqttAuthentication.accepted(request.username());
            }

            @Override
            public MqttAck authorizeSubscription(org.reef.mqtt.api.MqttSubscriptionRequest request) {
                return verdict;
            }

            @Override
            public void connected(org.reef.mqtt.api.MqttConnectionEvent event) {
            }

            @Override
            public void disconnected(org.reef.mqtt.api.MqttConnectionEvent event) {
            }
        }), spec);
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

    /** The next packet, waiting with a bound for container work to answer. */
    private static MqttMessage awaitOne(EmbeddedMqttConnection connection) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<MqttMessage> received = connection.received();
            if (!received.isEmpty()) {
                return received.get(0);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no packet within 5 s");
    }

    private static int reason(MqttMessage message) {
        return message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply
                ? reply.reasonCode() & 0xFF : 0;
    }

    /** A QoS 1 PUBLISH. */
    private static final class RawPublish {
        static MqttMessage qos1(String topic, int packetId, boolean retain) {
            return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).retained(retain)
                    .messageId(packetId).payload(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8)).build();
        }
    }
}
