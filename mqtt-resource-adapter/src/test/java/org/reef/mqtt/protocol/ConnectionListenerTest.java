package org.reef.mqtt.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.testing.FakeConnectionListenerFactory;
import org.reef.mqtt.testing.FakeWorkManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication and subscription authorization through a connection-listener endpoint (message inflow), with the
 * network side never waiting: answers come when the container's work ran.
 */
class ConnectionListenerTest {

    private final FakeWorkManager workManager = FakeWorkManager.held();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
    private final List<MqttConnectionEvent> events = new CopyOnWriteArrayList<>();
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    @Test
    void credentialsAreRefusedAsServerUnavailableWhenNoEndpointCanCheckThem() {
        EmbeddedMqttConnection c = open();
        c.send(connect("alice", "secret", MqttVersion.MQTT_3_1_1));
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, connAckCode(c.receivedOne()));
        assertFalse(c.isOpen());
    }

    @Test
    void theEndpointAuthenticatesWithoutBlockingTheConnection() {
        activateListener("im/#");
        EmbeddedMqttConnection good = open();
        good.send(connect("alice", "secret", MqttVersion.MQTT_5));
        assertTrue(good.received().isEmpty(), "no CONNACK before the endpoint answered");
        workManager.runHeld();
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connAckCode(good.receivedOne()));

        EmbeddedMqttConnection bad = open();
        bad.send(connect("alice", "guess", MqttVersion.MQTT_5));
        workManager.runHeld();
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD, connAckCode(bad.receivedOne()));
        assertFalse(bad.isOpen());
        assertEquals(1, broker.metrics().authenticationsRefusedCount());
    }

    @Test
    void subscriptionsIntoTheGuardedNamespaceAreAuthorizedAndLaterPacketsWait() {
        activateListener("im/#");
        EmbeddedMqttConnection alice = open();
        alice.send(connect("alice", "secret", MqttVersion.MQTT_5));
        workManager.runHeld();
        alice.receivedOne();

        alice.send(MqttMessageBuilders.subscribe().messageId(1)
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "im/inbox/alice")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "im/inbox/bob")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "#")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "chat/room").build());
        alice.send(MqttMessage.PINGREQ);
        assertTrue(alice.received().isEmpty(), "neither SUBACK nor PINGRESP before authorization");

        workManager.runHeld();
        List<MqttMessage> replies = alice.received();
        assertEquals(2, replies.size());
        MqttSubAckMessage subAck = (MqttSubAckMessage) replies.get(0);
        assertEquals(List.of(1, 0x87, 0x87, 1), subAck.payload().reasonCodes());
        assertEquals(MqttMessageType.PINGRESP, replies.get(1).fixedHeader().messageType(), "held packet answered after");
        assertEquals(2, broker.router().subscriptionCount());
    }

    @Test
    void subscriptionsOutsideTheNamespaceNeedNoContainerCall() {
        activateListener("im/#");
        EmbeddedMqttConnection anonymous = open();
        anonymous.send(MqttMessageBuilders.connect().clientId("anon").protocolVersion(MqttVersion.MQTT_3_1_1).build());
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connAckCode(anonymous.receivedOne()));
        int scheduled = workManager.scheduledCount();

        anonymous.send(MqttMessageBuilders.subscribe().messageId(3).addSubscription(MqttQoS.AT_MOST_ONCE, "chat/+").build());

        MqttSubAckMessage subAck = (MqttSubAckMessage) anonymous.receivedOne();
        assertEquals(List.of(0), subAck.payload().reasonCodes());
        assertEquals(scheduled, workManager.scheduledCount(), "no container call for the subscription");
    }

    @Test
    void connectAndDisconnectEventsReachTheEndpoint() {
        activateListener(null);
        EmbeddedMqttConnection alice = open();
        alice.send(connect("alice", "secret", MqttVersion.MQTT_3_1_1));
        workManager.runHeld();
        alice.receivedOne();
        workManager.runHeld();
        alice.send(MqttMessageBuilders.disconnect().build());
        alice.isOpen();
        workManager.runHeld();
        assertEquals(2, events.size());
        MqttConnectionEvent connected = events.get(0);
        MqttConnectionEvent disconnected = events.get(1);
        assertEquals(new MqttConnectionEvent("alice-phone", "alice", 4, true, connected.connectionId(), false, false),
                connected);
        assertEquals(new MqttConnectionEvent("alice-phone", "alice", 4, true, connected.connectionId(), false, false),
                disconnected);
        assertFalse(connected.connectionId().isBlank());
    }

    private void activateListener(String namespace) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(namespace);
        broker.connectionEvents().add(new MqttActivation(
                FakeConnectionListenerFactory.acceptingOnly("alice", "secret", events), spec));
    }

    private EmbeddedMqttConnection open() {
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(broker);
        connections.add(connection);
        return connection;
    }

    private static MqttMessage connect(String user, String password, MqttVersion version) {
        return MqttMessageBuilders.connect().clientId(user + "-phone").protocolVersion(version).cleanSession(true)
                .username(user).password(password.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static MqttConnectReturnCode connAckCode(MqttMessage message) {
        return ((MqttConnAckMessage) message).variableHeader().connectReturnCode();
    }
}
