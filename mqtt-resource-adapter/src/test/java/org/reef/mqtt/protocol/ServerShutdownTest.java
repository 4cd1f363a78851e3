package org.reef.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.testing.FakeWorkManager;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What each connection sees of a server shutdown, through the real pipeline on EmbeddedChannels: MQTT 5 clients get
 * DISCONNECT 0x8B Server shutting down (MQTT 5.0 section 3.14.2.1) before the close, MQTT 3.1.1 clients (no server
 * DISCONNECT in 3.1.1) are closed, and a CONNECT arriving once the shutdown began is refused as "server unavailable"
 * (MQTT 5: 0x88, MQTT 3.1.1: 0x03, section 3.2.2.3) so that the client tries again later.
 */
class ServerShutdownTest {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);
    private final List<EmbeddedMqttConnection> connections = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        connections.forEach(EmbeddedMqttConnection::close);
        workManager.close();
    }

    @Test
    void anMqtt5ConnectionIsToldTheServerIsShuttingDownThenClosed() {
        EmbeddedMqttConnection client = connect("v5", MqttVersion.MQTT_5);
        broker.beginShutdown();
        client.server.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);

        MqttMessage disconnect = client.receivedOne();
        assertEquals(MqttMessageType.DISCONNECT, disconnect.fixedHeader().messageType());
        assertEquals(0x8B, ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode()
                & 0xFF);
        assertFalse(client.isOpen());
    }

    @Test
    void anMqtt311ConnectionIsClosedWithoutAPacket() {
        EmbeddedMqttConnection client = connect("v311", MqttVersion.MQTT_3_1_1);
        broker.beginShutdown();
        client.server.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);

        assertEquals(List.of(), client.received());
        assertFalse(client.isOpen());
    }

    @Test
    void aConnectionWithoutConnectYetIsClosed() {
        EmbeddedMqttConnection idle = open();
        idle.server.pipeline().fireUserEventTriggered(ServerShutdown.INSTANCE);
        assertEquals(List.of(), idle.received());
        assertFalse(idle.isOpen());
    }

    @Test
    void newConnectionsAreRefusedAsServerUnavailableDuringTheShutdown() {
        broker.beginShutdown();

        EmbeddedMqttConnection v5 = open();
        v5.send(MqttMessageBuilders.connect().clientId("late5").protocolVersion(MqttVersion.MQTT_5).build());
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5,
                ((MqttConnAckMessage) v5.receivedOne()).variableHeader().connectReturnCode());
        assertFalse(v5.isOpen());

        EmbeddedMqttConnection v311 = open();
        v311.send(MqttMessageBuilders.connect().clientId("late3").protocolVersion(MqttVersion.MQTT_3_1_1).build());
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                ((MqttConnAckMessage) v311.receivedOne()).variableHeader().connectReturnCode());
        assertFalse(v311.isOpen());
        assertEquals(0, broker.sessions().size(), "no session was opened");
    }

    private EmbeddedMqttConnection open() {
        EmbeddedMqttConnection connection = new EmbeddedMqttConnection(broker);
        connections.add(connection);
        return connection;
    }

    private EmbeddedMqttConnection connect(String clientId, MqttVersion version) {
        EmbeddedMqttConnection connection = open();
        connection.send(MqttMessageBuilders.connect().clientId(clientId).protocolVersion(version).cleanSession(true)
                .build());
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                ((MqttConnAckMessage) connection.receivedOne()).variableHeader().connectReturnCode());
        return connection;
    }
}
