package org.reef.mqtt.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.reef.mqtt.transport.ServerFixture.HOST;
import static org.reef.mqtt.transport.ServerFixture.WAIT_SECONDS;
import static org.reef.mqtt.transport.ServerFixture.awaitTrue;

/**
 * The WebSocket listener (MQTT 5.0 section 6): message exchange with a real client, the subprotocol, packets split
 * over or packed into frames, text frames refused, and HTTP that is not the WebSocket endpoint.
 */
@Timeout(60)
class MqttServerWebSocketTest {

    /** CONNECT, MQTT 3.1.1, clean session, keep-alive 60 s, client id "ws". */
    private static final byte[] CONNECT = HexFormat.of().parseHex("100e00044d5154540402003c00027773");
    private static final byte[] CONNACK_ACCEPTED = HexFormat.of().parseHex("20020000");
    private static final byte[] PINGREQ = HexFormat.of().parseHex("c000");
    private static final byte[] PINGRESP = HexFormat.of().parseHex("d000");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS)).build();

    private static ListenerConfig webSocketListeners() {
        return ListenerConfig.forTests().withPort(Listener.WS, 0);
    }

    private URI wsUri(ServerFixture fixture, String path) {
        return URI.create("ws://" + HOST + ":" + fixture.server.port(Listener.WS) + path);
    }

    private RecordingListener open(ServerFixture fixture, String path) throws Exception {
        RecordingListener listener = new RecordingListener();
        listener.socket = http.newWebSocketBuilder()
                .subprotocols("mqtt")
                .connectTimeout(Duration.ofSeconds(WAIT_SECONDS))
                .buildAsync(wsUri(fixture, path), listener)
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        return listener;
    }

    @Test
    void exchangesAMessageOverWebSocket() throws Exception {
        try (ServerFixture fixture = new ServerFixture(webSocketListeners())) {
            fixture.assertExchange(Listener.WS, null);
        }
    }

    @Test
    void selectsTheMqttSubprotocol() throws Exception {
        try (ServerFixture fixture = new ServerFixture(webSocketListeners())) {
            RecordingListener client = open(fixture, ListenerConfig.DEFAULT_WS_PATH);
            assertEquals("mqtt", client.socket.getSubprotocol());
            client.socket.abort();
        }
    }

    /** [MQTT-6.0.0-2]: packets need not be aligned on frame boundaries. */
    @Test
    void decodesPacketsSplitOverFramesAndPackedInOne() throws Exception {
        try (ServerFixture fixture = new ServerFixture(webSocketListeners())) {
            RecordingListener client = open(fixture, ListenerConfig.DEFAULT_WS_PATH);

            client.socket.sendBinary(ByteBuffer.wrap(CONNECT, 0, 5), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
            client.socket.sendBinary(ByteBuffer.wrap(CONNECT, 5, CONNECT.length - 5), true)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            client.awaitReceived(CONNACK_ACCEPTED.length);
            assertArrayEquals(CONNACK_ACCEPTED, client.received());

            byte[] twoPings = new byte[PINGREQ.length * 2];
            System.arraycopy(PINGREQ, 0, twoPings, 0, PINGREQ.length);
            System.arraycopy(PINGREQ, 0, twoPings, PINGREQ.length, PINGREQ.length);
            client.socket.sendBinary(ByteBuffer.wrap(twoPings), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
            client.awaitReceived(CONNACK_ACCEPTED.length + 2 * PINGRESP.length);
            byte[] all = client.received();
            assertArrayEquals(PINGRESP, Arrays.copyOfRange(all, 4, 6));
            assertArrayEquals(PINGRESP, Arrays.copyOfRange(all, 6, 8));
            client.socket.abort();
        }
    }

    /** [MQTT-6.0.0-1]: any data frame other than binary closes the network connection. */
    @Test
    void textFrameClosesTheConnection() throws Exception {
        try (ServerFixture fixture = new ServerFixture(webSocketListeners())) {
            RecordingListener client = open(fixture, ListenerConfig.DEFAULT_WS_PATH);
            awaitTrue(() -> fixture.server.connectionCount() == 1, () -> "no connection");

            client.socket.sendText("CONNECT", true).get(WAIT_SECONDS, TimeUnit.SECONDS);

            assertEquals(1003, client.ended.get(WAIT_SECONDS, TimeUnit.SECONDS), "close status: unsupported data");
            awaitTrue(() -> fixture.server.connectionCount() == 0,
                    () -> "connection still open: " + fixture.server.connectionCount());
            fixture.assertExchange(Listener.WS, null);
        }
    }

    @Test
    void refusesHttpThatIsNotTheWebSocketEndpointAndStaysHealthy() throws Exception {
        try (ServerFixture fixture = new ServerFixture(webSocketListeners())) {
            String base = "http://" + HOST + ":" + fixture.server.port(Listener.WS);

            assertEquals(404, get(base + "/index.html").statusCode());
            assertEquals(400, get(base + ListenerConfig.DEFAULT_WS_PATH).statusCode(), "no upgrade headers");
            ExecutionException wrongPath = assertThrows(ExecutionException.class,
                    () -> open(fixture, "/other"));
            assertInstanceOf(WebSocketHandshakeException.class, wrongPath.getCause());
            awaitTrue(() -> fixture.server.connectionCount() == 0,
                    () -> "refused connections still open: " + fixture.server.connectionCount());

            fixture.assertExchange(Listener.WS, null);
        }
    }

    private HttpResponse<String> get(String uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(WAIT_SECONDS))
                .GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Collects binary data received, and how the connection ended: a close status, or the error. */
    private static final class RecordingListener implements WebSocket.Listener {

        final CompletableFuture<Object> ended = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WebSocket socket;

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            synchronized (bytes) {
                bytes.writeBytes(chunk);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete(error);
        }

        byte[] received() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }

        void awaitReceived(int count) throws InterruptedException {
            awaitTrue(() -> received().length >= count,
                    () -> "received " + HexFormat.of().formatHex(received()) + ", expected " + count + " bytes");
        }
    }
}
