package org.reef.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.api.MqttConnectionEvent;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.BrokerLimits;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.testing.FakeConnectionListenerFactory;
import org.reef.mqtt.testing.FakeWorkManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review F4 and F6: what one SUBSCRIBE, and one session, may cost. A packet with more filters than the cap
 * is refused whole (MQTT 5: 0x97 Quota exceeded per filter; MQTT 3.1.1: 0x80) without a single call into the
 * container; a connection has at most {@code maxPendingContainerCalls} subscription checks waiting for the
 * container at once, the others wait their turn; a session holds at most {@code maxSubscriptionsPerSession}.
 */
class SubscribeQuotaTest {

    private final FakeWorkManager workManager = FakeWorkManager.held();
    private final List<MqttConnectionEvent> events = new CopyOnWriteArrayList<>();
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();
    private MqttBroker broker;

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    private void start(BrokerLimits limits) {
        broker = new MqttBroker(BrokerConfig.forTests().withLimits(limits), workManager);
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter("im/#");
        broker.connectionEvents().add(new MqttActivation(
                FakeConnectionListenerFactory.acceptingOnly("alice", "secret", events), spec));
    }

    @Test
    void aSubscribeWithMoreFiltersThanTheCapIsRefusedWholeWithoutAskingTheContainer() {
        start(BrokerLimits.forTests().toBuilder().maxFiltersPerSubscribe(10).build());
        EmbeddedMqttConnection alice = connectedAlice(MqttVersion.MQTT_5);
        int before = workManager.scheduledCount();
        alice.send(subscribe(11, "im/rooms/r"));
        assertEquals(before, workManager.scheduledCount(), "no container call for an oversized SUBSCRIBE");
        MqttSubAckMessage subAck = (MqttSubAckMessage) alice.receivedOne();
        assertEquals(Collections.nCopies(11, ReasonCodes.QUOTA_EXCEEDED), subAck.payload().reasonCodes());
        assertEquals(0, broker.router().subscriptionCount());
    }

    @Test
    void mqtt311GetsFailureForAnOversizedSubscribe() {
        start(BrokerLimits.forTests().toBuilder().maxFiltersPerSubscribe(10).build());
        EmbeddedMqttConnection alice = connectedAlice(MqttVersion.MQTT_3_1_1);
        alice.send(subscribe(11, "plain/"));
        MqttSubAckMessage subAck = (MqttSubAckMessage) alice.receivedOne();
        assertEquals(Collections.nCopies(11, ReasonCodes.UNSPECIFIED_ERROR), subAck.payload().reasonCodes());
    }

    @Test
    void aConnectionHasAtMostMaxPendingContainerCallsAtOnce() {
        start(BrokerLimits.forTests().toBuilder().maxPendingContainerCalls(3).build());
        EmbeddedMqttConnection alice = connectedAlice(MqttVersion.MQTT_5);
        int before = workManager.scheduledCount();
        alice.send(subscribe(10, "im/inbox/x"));
        assertEquals(before + 3, workManager.scheduledCount(), "three checks at once, the rest wait");
        MqttMessage reply = null;
        for (int round = 0; round < 20 && reply == null; round++) {
            workManager.runHeld();
            List<MqttMessage> received = alice.received();
            reply = received.isEmpty() ? null : received.get(0);
        }
        assertEquals(before + 10, workManager.scheduledCount(), "every filter was checked once");
        MqttSubAckMessage subAck = (MqttSubAckMessage) reply;
        assertEquals(Collections.nCopies(10, ReasonCodes.NOT_AUTHORIZED), subAck.payload().reasonCodes());
    }

    @Test
    void aSessionHoldsAtMostMaxSubscriptionsPerSession() {
        start(BrokerLimits.forTests().toBuilder().maxSubscriptionsPerSession(3).build());
        EmbeddedMqttConnection alice = connectedAlice(MqttVersion.MQTT_5);
        alice.send(subscribe(2, "a/"));
        assertEquals(List.of(1, 1), ((MqttSubAckMessage) alice.receivedOne()).payload().reasonCodes());
        alice.send(MqttMessageBuilders.subscribe().messageId(7)
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "a/0") // a replacement takes no new place
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "b/0")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "b/1").build());
        assertEquals(List.of(1, 1, ReasonCodes.QUOTA_EXCEEDED),
                ((MqttSubAckMessage) alice.receivedOne()).payload().reasonCodes());
        assertEquals(3, broker.sessions().get("alice-phone").subscriptions().size());
    }

    private EmbeddedMqttConnection connectedAlice(MqttVersion version) {
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(broker);
        connections.add(connection);
        connection.send(MqttMessageBuilders.connect().clientId("alice-phone").protocolVersion(version)
                .cleanSession(true).username("alice").password("secret".getBytes(StandardCharsets.UTF_8)).build());
        workManager.runHeld();
        MqttConnAckMessage ack = (MqttConnAckMessage) connection.receivedOne();
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, ack.variableHeader().connectReturnCode());
        workManager.runHeld(); // the connected event
        assertTrue(connection.received().isEmpty());
        return connection;
    }

    private static MqttMessage subscribe(int filters, String prefix) {
        MqttMessageBuilders.SubscribeBuilder builder = MqttMessageBuilders.subscribe().messageId(1);
        for (int i = 0; i < filters; i++) {
            builder.addSubscription(MqttQoS.AT_LEAST_ONCE, prefix + i);
        }
        return builder.build();
    }
}
