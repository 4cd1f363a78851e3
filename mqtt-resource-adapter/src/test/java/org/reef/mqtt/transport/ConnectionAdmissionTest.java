package org.reef.mqtt.transport;

import io.netty.channel.ChannelOption;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.BrokerLimits;
import org.reef.mqtt.session.Session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.reef.mqtt.transport.ConnectDeadlineTest.assertClosedByServer;
import static org.reef.mqtt.transport.ServerFixture.HOST;
import static org.reef.mqtt.transport.ServerFixture.awaitTrue;

/**
 * Security review F3: the connection caps count every accepted connection, authenticated or not, and are enforced at
 * accept: beyond the global cap or the per-address cap a new connection is closed before anything is read from it.
 * Accepted sockets have TCP keep-alive on, so half-open connections of vanished peers end too.
 */
@Timeout(60)
class ConnectionAdmissionTest {

    /** A CONNECT deadline longer than any wait here: what closes a connection in these tests is the cap. */
    private static BrokerLimits.Builder patientLimits() {
        return BrokerLimits.forTests().toBuilder().connectTimeoutSeconds(600);
    }

    @Test
    void theGlobalCapCountsConnectionsThatNeverSentConnect() throws Exception {
        BrokerConfig config = BrokerConfig.forTests().withConnectionBounds(0, 2).withLimits(patientLimits().build());
        try (ServerFixture fixture = new ServerFixture(ListenerConfig.forTests(), config);
             Socket first = open(fixture); Socket second = open(fixture)) {
            awaitTrue(() -> fixture.server.connectionCount() == 2, () -> "two connections accepted");
            assertThrows(MqttException.class, () -> fixture.connect(Listener.TCP, null, null),
                    "a third connection is refused although neither of the first two connected");
            first.close();
            awaitTrue(() -> fixture.server.connectionCount() == 1, () -> "the closed connection is no longer counted");
            assertTrue(fixture.connect(Listener.TCP, null, null).isConnected(), "a free place admits again");
        }
    }

    @Test
    void connectionsBeyondThePerAddressCapAreClosedAtAccept() throws Exception {
        BrokerConfig config = BrokerConfig.forTests().withLimits(patientLimits().maxConnectionsPerAddress(2).build());
        try (ServerFixture fixture = new ServerFixture(ListenerConfig.forTests(), config);
             Socket first = open(fixture); Socket second = open(fixture); Socket third = open(fixture)) {
            assertClosedByServer(third);
            assertEquals(2, fixture.server.connectionCount());
            second.close();
            awaitTrue(() -> fixture.server.connectionCount() == 1, () -> "the closed connection is no longer counted");
            MqttClient client = fixture.connect(Listener.TCP, null, null);
            assertTrue(client.isConnected(), "a free place admits the address again");
        }
    }

    @Test
    void acceptedSocketsHaveTcpKeepAlive() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ListenerConfig.forTests())) {
            MqttClient client = fixture.connect(Listener.TCP, null, null);
            Session session = fixture.broker.sessions().get(client.getClientId());
            assertEquals(Boolean.TRUE, session.channel().config().getOption(ChannelOption.SO_KEEPALIVE));
        }
    }

    private static Socket open(ServerFixture fixture) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(HOST, fixture.server.port(Listener.TCP)), 5_000);
        return socket;
    }
}
