package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CONNECT and CONNACK with MQTT 5 clients (MQTT 5.0 sections 3.1 and 3.2): assigned client identifiers, refused
 * enhanced authentication, unsupported protocol levels, a second CONNECT, Server Keep Alive, and session takeover.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Mqtt5ConnectTest extends BrokerTestBase {


    /** MQTT 5.0 section 3.1.3.1 and 3.2.2.3.7: an empty client id gets an Assigned Client Identifier. */
    @Test
    void anEmptyClientIdentifierGetsAnAssignedOne() throws Exception {
        start(BrokerConfig.forTests());
        Mqtt5BlockingClient client = hive.client(null);
        Mqtt5ConnAck ack = client.connectWith().cleanStart(true).send();

        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, ack.getReasonCode());
        assertTrue(ack.getAssignedClientIdentifier().isPresent(), "CONNACK carries an Assigned Client Identifier");
        String assigned = ack.getAssignedClientIdentifier().get().toString();
        assertFalse(assigned.isEmpty());
        assertNotNull(broker.broker().sessions().get(assigned), "the session is registered under the assigned id");
    }

    /** The assigned identifier is also sent to a raw client that asked for a persistent session with an empty id. */
    @Test
    void anEmptyClientIdentifierWithoutCleanStartIsAcceptedInMqtt5() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage ack = raw.connect(RawMqtt5Client.connect5("", false).build());
            assertEquals(0, ack.variableHeader().connectReturnCode().byteValue());
            MqttProperties.MqttProperty<?> assigned = ack.variableHeader().properties()
                    .getProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value());
            assertNotNull(assigned, "Assigned Client Identifier");
            assertFalse(((String) assigned.value()).isEmpty());
        }
    }

    /** MQTT 5.0 section 3.1.2.11.9: an Authentication Method the server does not support gets CONNACK 0x8C. */
    @Test
    void anAuthenticationMethodIsRefusedWithBadAuthenticationMethod() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(),
                    "SCRAM-SHA-256"));
            MqttConnAckMessage ack = raw.connect(RawMqtt5Client.connect5("enhanced", true)
                    .properties(properties).build());
            assertEquals(0x8C, ack.variableHeader().connectReturnCode().byteValue() & 0xFF);
            assertTrue(raw.awaitClose(2_000).isEmpty(), "closed after the CONNACK");
        }
        assertNull(broker.broker().sessions().get("enhanced"), "no session was created");
    }

    /**
     * MQTT 5.0 section 3.1.2.2 [MQTT-3.1.2-2]: an unsupported protocol level gets CONNACK 0x84 (or 0x01 in the
     * MQTT 3.1.1 format, which the server may send when it cannot tell the client's version) and the connection is
     * closed.
     */
    @Test
    void anUnsupportedProtocolLevelIsRefusedAndClosed() throws Exception {
        start(BrokerConfig.forTests());
        byte[] connect = {
                0x10, 16,                       // CONNECT, remaining length
                0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name
                0x06,                           // protocol level 6: unknown
                0x02,                           // clean start
                0x00, 0x3C,                     // keep-alive 60 s
                0x00,                           // properties length (as MQTT 5 would have it)
                0x00, 0x03, 'l', 'v', '6'       // client id
        };
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.getOutputStream().write(connect);
            socket.getOutputStream().flush();
            byte[] reply = readUntilClosed(socket, 3_000);
            assertTrue(reply.length >= 4, "a CONNACK before closing, got " + reply.length + " bytes");
            assertEquals(0x20, reply[0] & 0xFF, "CONNACK");
            int code = reply[3] & 0xFF;
            assertTrue(code == 0x84 || code == 0x01,
                    "reason 0x84 or return code 0x01, got 0x" + Integer.toHexString(code));
        }
    }

    /** MQTT 5.0 section 3.1.2.11.3: Receive Maximum 0 is a Protocol Error: CONNACK 0x82 and close. */
    @Test
    void receiveMaximumZeroIsRefused() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), 0));
            MqttConnAckMessage ack = raw.connect(RawMqtt5Client.connect5("zero", true).properties(properties).build());
            assertEquals(0x82, ack.variableHeader().connectReturnCode().byteValue() & 0xFF);
            raw.awaitClose(2_000);
        }
    }

    /** MQTT 5.0 section 3.1 [MQTT-3.1.0-2]: a second CONNECT is a Protocol Error: DISCONNECT 0x82, then close. */
    @Test
    void aSecondConnectClosesTheConnection() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "twice")) {
            raw.send(RawMqtt5Client.connect5("twice", true).build());
            List<MqttMessage> before = raw.awaitClose(3_000);
            assertFalse(before.isEmpty(), "an MQTT 5 client is told why");
            MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType());
            assertEquals(0x82, RawMqtt5Client.disconnectReason(last));
        }
    }

    /** MQTT 5.0 section 3.2.2.3.14: a keep-alive above the server's maximum is answered with Server Keep Alive. */
    @Test
    void aKeepAliveAboveTheMaximumGetsServerKeepAlive() throws Exception {
        start(TestConfig.defaults().maxKeepAlive(30).build());
        Mqtt5BlockingClient asksMore = hive.client("asks-more");
        Mqtt5ConnAck ack = asksMore.connectWith().keepAlive(120).send();
        assertEquals(30, ack.getServerKeepAlive().orElse(-1), "Server Keep Alive");

        Mqtt5BlockingClient asksNone = hive.client("asks-none");
        ack = asksNone.connectWith().noKeepAlive().send();
        assertEquals(30, ack.getServerKeepAlive().orElse(-1), "keep-alive 0 (none) is capped too");

        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage within = raw.connect(RawMqtt5Client.connect5("asks-less", true).keepAlive(10).build());
            MqttProperties.MqttProperty<?> serverKeepAlive = within.variableHeader().properties()
                    .getProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value());
            assertTrue(serverKeepAlive == null || (Integer) serverKeepAlive.value() == 10,
                    "a keep-alive within the maximum is kept");
        }
    }

    /** MQTT 5.0 section 3.1.4 [MQTT-3.1.4-3]: the connection taken over gets DISCONNECT 0x8E. */
    @Test
    void theConnectionTakenOverGetsSessionTakenOver() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client first = RawMqtt5Client.connected5(broker.port(), "phone")) {
            Mqtt5BlockingClient second = hive.client("phone");
            second.connectWith().cleanStart(false).send();

            List<MqttMessage> before = first.awaitClose(3_000);
            assertFalse(before.isEmpty(), "DISCONNECT before the close");
            assertEquals(MqttMessageType.DISCONNECT, before.get(0).fixedHeader().messageType());
            assertEquals(0x8E, RawMqtt5Client.disconnectReason(before.get(0)));
            assertTrue(second.getState().isConnected());
        }
    }

    /** The same with two real clients: the first sees the server's DISCONNECT with reason Session Taken Over. */
    @Test
    void aRealClientSeesSessionTakenOver() throws Exception {
        start(BrokerConfig.forTests());
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        Mqtt5BlockingClient first = hive.track(hive.builder("laptop")
                .addDisconnectedListener((MqttClientDisconnectedContext context) -> lost.complete(context.getCause()))
                .buildBlocking());
        first.connect();
        hive.client("laptop").connect();

        Throwable cause = lost.get(5, TimeUnit.SECONDS);
        assertTrue(cause instanceof Mqtt5DisconnectException, "server DISCONNECT, got " + cause);
        assertEquals(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER,
                ((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode());
    }

    private static byte[] readUntilClosed(Socket socket, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[256];
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("not closed within " + timeoutMillis + " ms; got " + bytes.size() + " bytes");
            }
            socket.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (java.net.SocketException reset) {
                return bytes.toByteArray();
            }
            if (n < 0) {
                return bytes.toByteArray();
            }
            bytes.write(buffer, 0, n);
        }
    }
}
