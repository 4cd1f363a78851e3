package org.reef.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
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

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-address connection rate at CONNECT (MQTT 5.0 section 3.2.2.2, reason 0x9F Connection rate exceeded; MQTT
 * 3.1.1 section 3.2.2.3, return code 0x03 Server unavailable), through the real pipeline with made-up remote addresses.
 */
class ConnectRateLimitTest {

    private final FakeWorkManager workManager = FakeWorkManager.held();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests().withConnectRate(1, 2), workManager);
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    @Test
    void theConnectAfterTheBurstIsRefusedWithConnectionRateExceeded() {
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connect("192.0.2.1", "a1", MqttVersion.MQTT_5));
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connect("192.0.2.1", "a2", MqttVersion.MQTT_5));

        EmbeddedMqttConnection third = open("192.0.2.1");
        third.send(MqttMessageBuilders.connect().clientId("a3").protocolVersion(MqttVersion.MQTT_5).build());
        MqttConnAckMessage refused = (MqttConnAckMessage) third.receivedOne();
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_CONNECTION_RATE_EXCEEDED,
                refused.variableHeader().connectReturnCode());
        assertEquals((byte) 0x9F, refused.variableHeader().connectReturnCode().byteValue());
        assertEquals("connection rate exceeded", refused.variableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.REASON_STRING.value()).value());
        assertFalse(third.isOpen());
        assertEquals(1, broker.metrics().rateLimitedConnectionCount());
        assertEquals(2, broker.sessions().size(), "no session for the refused client");
    }

    @Test
    void mqtt3ClientsOverTheRateGetServerUnavailable() {
        connect("192.0.2.1", "a1", MqttVersion.MQTT_3_1_1);
        connect("192.0.2.1", "a2", MqttVersion.MQTT_3_1);
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                connect("192.0.2.1", "a3", MqttVersion.MQTT_3_1_1));
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                connect("192.0.2.1", "a4", MqttVersion.MQTT_3_1));
        assertEquals((byte) 0x03, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE.byteValue());
        assertEquals(2, broker.metrics().rateLimitedConnectionCount());
    }

    @Test
    void otherAddressesStillConnect() {
        connect("192.0.2.1", "a1", MqttVersion.MQTT_5);
        connect("192.0.2.1", "a2", MqttVersion.MQTT_5);
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_CONNECTION_RATE_EXCEEDED,
                connect("192.0.2.1", "a3", MqttVersion.MQTT_5));
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connect("192.0.2.2", "b1", MqttVersion.MQTT_5));
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connect("2001:db8::1", "c1", MqttVersion.MQTT_5));
    }

    @Test
    void aRefusedConnectNeverReachesTheContainer() {
        List<MqttConnectionEvent> events = new CopyOnWriteArrayList<>();
        broker.connectionEvents().add(new MqttActivation(
                FakeConnectionListenerFactory.acceptingOnly("alice", "secret", events), new MqttActivationSpec()));
        connect("192.0.2.1", "a1", MqttVersion.MQTT_5);
        connect("192.0.2.1", "a2", MqttVersion.MQTT_5);
        int scheduled = workManager.scheduledCount();

        EmbeddedMqttConnection alice = open("192.0.2.1");
        alice.send(MqttMessageBuilders.connect().clientId("alice-phone").protocolVersion(MqttVersion.MQTT_5)
                .username("alice").password("secret".getBytes(StandardCharsets.UTF_8)).build());
        MqttMessage reply = alice.receivedOne();
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_CONNECTION_RATE_EXCEEDED,
                ((MqttConnAckMessage) reply).variableHeader().connectReturnCode());
        assertEquals(scheduled, workManager.scheduledCount(), "no authentication call for a refused connect");
        assertEquals(0, broker.metrics().authenticationsRefusedCount());
    }

    @Test
    void noLimitWithRateZero() {
        MqttBroker unlimited = new MqttBroker(BrokerConfig.forTests(), workManager);
        assertEquals(0, unlimited.config().connectRate());
        for (int i = 0; i < 20; i++) {
            EmbeddedMqttConnection c = new EmbeddedMqttConnection(unlimited, new InetSocketAddress("192.0.2.1", i));
            connections.add(c);
            c.send(MqttMessageBuilders.connect().clientId("u" + i).protocolVersion(MqttVersion.MQTT_5).build());
            assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                    ((MqttConnAckMessage) c.receivedOne()).variableHeader().connectReturnCode());
        }
    }

    private MqttConnectReturnCode connect(String ip, String clientId, MqttVersion version) {
        EmbeddedMqttConnection c = open(ip);
        c.send(MqttMessageBuilders.connect().clientId(clientId).protocolVersion(version).cleanSession(true).build());
        MqttConnectReturnCode code = ((MqttConnAckMessage) c.receivedOne()).variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            assertFalse(c.isOpen(), "a refused connection is closed");
        } else {
            assertTrue(c.isOpen());
        }
        return code;
    }

    private EmbeddedMqttConnection open(String ip) {
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(broker, new InetSocketAddress(ip, 50_000));
        connections.add(connection);
        return connection;
    }
}
