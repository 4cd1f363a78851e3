package org.reef.mqtt.transport;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.testing.FakeWorkManager;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.reef.mqtt.transport.ServerFixture.HOST;
import static org.reef.mqtt.transport.ServerFixture.assertCounted;
import static org.reef.mqtt.transport.ServerFixture.assertNoNewReefThreads;
import static org.reef.mqtt.transport.ServerFixture.assertPortFree;
import static org.reef.mqtt.transport.ServerFixture.awaitTrue;
import static org.reef.mqtt.transport.ServerFixture.freePort;
import static org.reef.mqtt.transport.ServerFixture.reefThreads;

/** The server over plain TCP, and its lifecycle: which listeners it binds, failed starts, stop. */
@Timeout(60)
class MqttServerTest {

    @Test
    void exchangesAMessageOverTcp() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ListenerConfig.forTests())) {
            fixture.assertExchange(Listener.TCP, null);
        }
    }

    @Test
    void bindsOnlyEnabledListeners() throws Exception {
        // TLS and WSS have ports but no keystore; WS is off.
        ListenerConfig listeners = ListenerConfig.forTests()
                .withPort(Listener.TLS, 0)
                .withPort(Listener.WSS, 0);
        try (ServerFixture fixture = new ServerFixture(listeners)) {
            assertTrue(fixture.server.port(Listener.TCP) > 0);
            assertEquals(-1, fixture.server.port(Listener.TLS));
            assertEquals(-1, fixture.server.port(Listener.WS));
            assertEquals(-1, fixture.server.port(Listener.WSS));
        }
    }

    @Test
    void portConflictFailsTheStartAndLeavesNeitherPortsNorThreads() throws Exception {
        Set<String> threadsBefore = reefThreads();
        int tcpPort = freePort();
        try (ServerSocket blocker = new ServerSocket(0, 1, InetAddress.getByName(HOST));
             FakeWorkManager workManager = new FakeWorkManager()) {
            ListenerConfig listeners = ListenerConfig.forTests()
                    .withPort(Listener.TCP, tcpPort)
                    .withPort(Listener.WS, blocker.getLocalPort());
            MqttServer server = new MqttServer(new MqttBroker(BrokerConfig.forTests(), workManager), listeners);

            IllegalStateException failure = assertThrows(IllegalStateException.class, server::start);

            assertTrue(failure.getMessage().contains("WS listener")
                    && failure.getMessage().contains(String.valueOf(blocker.getLocalPort())), failure.getMessage());
            assertEquals(-1, server.port(Listener.TCP));
            assertNoNewReefThreads(threadsBefore);
            assertPortFree(tcpPort);
            server.stop(); // harmless after a failed start
        }
    }

    @Test
    void stopClosesConnectionsOfEveryListenerAndFreesThePorts() throws Exception {
        Set<String> threadsBefore = reefThreads();
        ListenerConfig listeners = ListenerConfig.forTests().withPort(Listener.WS, 0);
        ServerFixture fixture = new ServerFixture(listeners);
        try {
            ServerFixture.Arrivals overTcp = new ServerFixture.Arrivals(new LinkedBlockingQueue<>());
            ServerFixture.Arrivals overWs = new ServerFixture.Arrivals(new LinkedBlockingQueue<>());
            MqttClient tcpClient = fixture.connect(Listener.TCP, null, overTcp);
            MqttClient wsClient = fixture.connect(Listener.WS, null, overWs);
            assertTrue(tcpClient.isConnected() && wsClient.isConnected());
            awaitTrue(() -> fixture.server.connectionCount() == 2,
                    () -> "connections: " + fixture.server.connectionCount());
            int tcpPort = fixture.server.port(Listener.TCP);
            int wsPort = fixture.server.port(Listener.WS);

            fixture.server.stop();

            assertCounted(overTcp.lost, "TCP client not disconnected by stop()");
            assertCounted(overWs.lost, "WebSocket client not disconnected by stop()");
            assertEquals(0, fixture.server.connectionCount());
            assertEquals(-1, fixture.server.port(Listener.TCP));
            assertPortFree(tcpPort);
            assertPortFree(wsPort);
            assertNoNewReefThreads(threadsBefore);
        } finally {
            fixture.close();
        }
    }

    @Test
    void startsAgainAfterStop() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ListenerConfig.forTests())) {
            fixture.server.stop();
            fixture.server.start();
            fixture.assertExchange(Listener.TCP, null);
        }
    }

    @Test
    void refusesASecondStart() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ListenerConfig.forTests())) {
            assertThrows(IllegalStateException.class, fixture.server::start);
            fixture.assertExchange(Listener.TCP, null);
        }
    }
}
