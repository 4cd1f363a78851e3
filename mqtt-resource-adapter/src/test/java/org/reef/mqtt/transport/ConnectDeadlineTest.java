package org.reef.mqtt.transport;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.BrokerLimits;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.reef.mqtt.transport.ServerFixture.HOST;

/**
 * Security review F3: a connection that never completes CONNECT (slowloris, half-open, a stalled TLS or WebSocket
 * handshake, a partial upgrade request) is closed once the CONNECT deadline has passed since it was accepted, on every
 * listener; a client that connected in time is left alone.
 */
@Timeout(60)
class ConnectDeadlineTest {

    /** Far above the 1 s deadline of these tests, far below "never". */
    private static final long CLOSED_WITHIN_MILLIS = 8_000;

    @TempDir
    static Path keys;
    private static TestCertificates certificates;

    @BeforeAll
    static void makeKeys() throws Exception {
        certificates = TestCertificates.create(keys);
    }

    private static BrokerConfig oneSecondDeadline() {
        return BrokerConfig.forTests().withLimits(BrokerLimits.forTests().toBuilder().connectTimeoutSeconds(1).build());
    }

    private static ListenerConfig allListeners() {
        return ListenerConfig.forTests().withTls(certificates.serverTls(TlsConfig.ClientAuth.NONE))
                .withPort(Listener.TLS, 0).withPort(Listener.WS, 0).withPort(Listener.WSS, 0);
    }

    @Test
    void aTcpConnectionThatSendsOnlyPartOfItsConnectIsClosed() throws Exception {
        try (ServerFixture fixture = new ServerFixture(allListeners(), oneSecondDeadline());
             Socket socket = open(fixture.server.port(Listener.TCP))) {
            // CONNECT announcing a Remaining Length of 262 140 bytes, then only 1 000 of them
            socket.getOutputStream().write(new byte[]{0x10, (byte) 0xfc, (byte) 0xff, 0x0f});
            socket.getOutputStream().write(new byte[1000]);
            assertClosedByServer(socket);
        }
    }

    @Test
    void aTcpConnectionThatSendsNothingIsClosed() throws Exception {
        try (ServerFixture fixture = new ServerFixture(allListeners(), oneSecondDeadline());
             Socket socket = open(fixture.server.port(Listener.TCP))) {
            assertClosedByServer(socket);
        }
    }

    @Test
    void aWebSocketConnectionWithAPartialUpgradeRequestIsClosed() throws Exception {
        try (ServerFixture fixture = new ServerFixture(allListeners(), oneSecondDeadline());
             Socket socket = open(fixture.server.port(Listener.WS))) {
            socket.getOutputStream().write("GET /mqtt HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(socket);
        }
    }

    @Test
    void aWebSocketConnectionThatUpgradesButNeverSendsConnectIsClosed() throws Exception {
        try (ServerFixture fixture = new ServerFixture(allListeners(), oneSecondDeadline());
             Socket socket = open(fixture.server.port(Listener.WS))) {
            socket.getOutputStream().write(("GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(socket);
        }
    }

    @Test
    void aTlsConnectionThatNeverHandshakesIsClosed() throws Exception {
        try (ServerFixture fixture = new ServerFixture(allListeners(), oneSecondDeadline());
             Socket socket = open(fixture.server.port(Listener.TLS))) {
            assertClosedByServer(socket);
        }
    }

    @Test
    void aSecureWebSocketConnectionThatNeverHandshakesIsClosed() throws Exception {
        try (ServerFixture fixture = new ServerFixture(allListeners(), oneSecondDeadline());
             Socket socket = open(fixture.server.port(Listener.WSS))) {
            assertClosedByServer(socket);
        }
    }

    @Test
    void aClientThatConnectedInTimeOutlivesTheDeadline() throws Exception {
        try (ServerFixture fixture = new ServerFixture(allListeners(), oneSecondDeadline())) {
            MqttClient connected = fixture.connect(Listener.TCP, null, null);
            try (Socket silent = open(fixture.server.port(Listener.TCP))) {
                assertClosedByServer(silent); // the deadline has passed for the connected client too
            }
            assertTrue(connected.isConnected(), "a connected client is not subject to the CONNECT deadline");
            fixture.assertExchange(Listener.TCP, null);
            assertTrue(connected.isConnected());
        }
    }

    private static Socket open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(HOST, port), 5_000);
        return socket;
    }

    /** Reads until the server closes the connection, failing if it is still open after the bound. */
    static void assertClosedByServer(Socket socket) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSED_WITHIN_MILLIS);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            try {
                if (in.read(buffer) < 0) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException reset) {
                return;
            }
        }
        throw new AssertionError("the server did not close the connection within " + CLOSED_WITHIN_MILLIS + " ms");
    }
}
