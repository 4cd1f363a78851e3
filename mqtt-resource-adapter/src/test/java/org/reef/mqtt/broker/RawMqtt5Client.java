package org.reef.mqtt.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bare TCP client speaking MQTT 5 (or 3.1.1) with Netty's codec on both sides, for the cases real clients cannot
 * produce or observe: protocol violations, never reading the socket, exceeding the server's limits, and the exact
 * packets (reason codes, properties) and the moment the server closes the connection.
 *
 * <p>Reads happen on the calling thread with a bounded socket timeout; decoded PUBLISH packets are copied onto
 * unpooled heap buffers so that tests need not release anything.
 */
final class RawMqtt5Client implements AutoCloseable {

    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(16 * 1024 * 1024, 65535));
    private final byte[] readBuffer = new byte[64 * 1024];
    private boolean eof;
    private boolean closed;

    private RawMqtt5Client(int port, int receiveBufferSize) throws IOException {
        socket = new Socket();
        if (receiveBufferSize > 0) {
            socket.setReceiveBufferSize(receiveBufferSize); // before connect, so the TCP window stays small
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    static RawMqtt5Client open(int port) throws IOException {
        return new RawMqtt5Client(port, 0);
    }

    /** A client whose socket receive buffer is small, for slow-consumer tests. */
    static RawMqtt5Client openWithReceiveBuffer(int port, int receiveBufferSize) throws IOException {
        return new RawMqtt5Client(port, receiveBufferSize);
    }

    /** An MQTT 5 CONNECT builder with the given client id and clean start, keep-alive 60 s. */
    static MqttMessageBuilders.ConnectBuilder connect5(String clientId, boolean cleanStart) {
        return MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId(clientId)
                .cleanSession(cleanStart).keepAlive(60);
    }

    /** Sends CONNECT and returns the CONNACK (the decoder then speaks the CONNECT's protocol version). */
    MqttConnAckMessage connect(MqttConnectMessage connect) throws IOException {
        decoder.attr(MQTT_VERSION).set(MqttVersion.fromProtocolNameAndLevel(
                connect.variableHeader().name(), (byte) connect.variableHeader().version()));
        send(connect);
        MqttMessage reply = next(5_000);
        if (!(reply instanceof MqttConnAckMessage connAck)) {
            throw new IOException("expected CONNACK, got " + describe(reply));
        }
        return connAck;
    }

    /** Connects with MQTT 5 and requires a successful CONNACK. */
    static RawMqtt5Client connected5(int port, String clientId) throws IOException {
        RawMqtt5Client client = open(port);
        MqttConnAckMessage ack = client.connect(connect5(clientId, true).build());
        if (ack.variableHeader().connectReturnCode().byteValue() != 0) {
            client.close();
            throw new IOException("CONNECT refused: " + ack.variableHeader().connectReturnCode());
        }
        return client;
    }

    void send(MqttMessage message) throws IOException {
        encoder.writeOutbound(message);
        ByteBuf bytes;
        while ((bytes = encoder.readOutbound()) != null) {
            try {
                out.write(ByteBufUtil.getBytes(bytes));
            } finally {
                bytes.release();
            }
        }
        out.flush();
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * The next packet from the server, or null if none arrives within the timeout.
     *
     * @throws EOFException if the server closed the connection first
     */
    MqttMessage next(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            MqttMessage decoded = decoder.readInbound();
            if (decoded != null) {
                return detach(decoded);
            }
            if (eof) {
                throw new EOFException("connection closed by the server");
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            int n;
            try {
                n = in.read(readBuffer);
            } catch (SocketTimeoutException e) {
                return null;
            } catch (SocketException e) {
                n = -1; // reset by the server
            }
            if (n < 0) {
                eof = true;
            } else if (n > 0) {
                decoder.writeInbound(Unpooled.copiedBuffer(readBuffer, 0, n));
            }
        }
    }

    /** The next packet, required within the timeout. */
    MqttMessage expect(long timeoutMillis) throws IOException {
        MqttMessage message = next(timeoutMillis);
        if (message == null) {
            throw new AssertionError("no packet from the server within " + timeoutMillis + " ms");
        }
        return message;
    }

    /** The next packet of the given type within the timeout, skipping others (e.g. PUBLISH while awaiting SUBACK). */
    MqttMessage expect(MqttMessageType type, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            MqttMessage message = left <= 0 ? null : next(left);
            if (message == null) {
                throw new AssertionError("no " + type + " from the server within " + timeoutMillis + " ms");
            }
            if (message.fixedHeader().messageType() == type) {
                return message;
            }
        }
    }

    /**
     * Waits for the server to close the connection and returns the packets it sent before.
     *
     * @throws AssertionError if it is still open after the timeout
     */
    List<MqttMessage> awaitClose(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<MqttMessage> before = new ArrayList<>();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("the server did not close the connection within " + timeoutMillis
                        + " ms; received " + before.size() + " packets");
            }
            try {
                MqttMessage message = next(left);
                if (message != null) {
                    before.add(message);
                }
            } catch (EOFException closed) {
                return before;
            }
        }
    }

    /** Whether the server closed the connection (reads what is pending, waiting at most the timeout). */
    boolean isClosedWithin(long timeoutMillis) throws IOException {
        try {
            awaitClose(timeoutMillis);
            return true;
        } catch (AssertionError stillOpen) {
            return false;
        }
    }

    static MqttMessage pubAck(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttMessage pubRec(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREC, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttMessage pubRel(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttMessage pubComp(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttPublishMessage publish(String topic, int qos, int packetId, byte[] payload, MqttProperties properties) {
        return new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0),
                new io.netty.handler.codec.mqtt.MqttPublishVariableHeader(topic, qos == 0 ? -1 : packetId, properties),
                Unpooled.wrappedBuffer(payload));
    }

    /** The reason code of a PUBACK/PUBREC/PUBREL/PUBCOMP (0 when the short form omitted it). */
    static int pubReplyReason(MqttMessage message) {
        return message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply
                ? reply.reasonCode() & 0xFF : 0;
    }

    static int packetId(MqttMessage message) {
        if (message instanceof MqttPublishMessage publish) {
            return publish.variableHeader().packetId();
        }
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    /** The reason code of a DISCONNECT (0 when absent). */
    static int disconnectReason(MqttMessage message) {
        return message.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header
                ? header.reasonCode() & 0xFF : 0;
    }

    static String describe(MqttMessage message) {
        if (message == null) {
            return "nothing";
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (type == MqttMessageType.DISCONNECT) {
            return "DISCONNECT 0x" + Integer.toHexString(disconnectReason(message));
        }
        return type.toString();
    }

    /** Copies a decoded PUBLISH's payload off the pooled buffer and releases the original. */
    private static MqttMessage detach(MqttMessage decoded) {
        if (decoded instanceof MqttPublishMessage publish) {
            try {
                return new MqttPublishMessage(publish.fixedHeader(), publish.variableHeader(),
                        Unpooled.wrappedBuffer(ByteBufUtil.getBytes(publish.payload())));
            } finally {
                ReferenceCountUtil.release(decoded);
            }
        }
        return decoded;
    }

    /** The encoded size in bytes of a packet as an MQTT 5 peer would send it (fixed header included). */
    static int encodedSize5(MqttMessage message) {
        EmbeddedChannel sizing = new EmbeddedChannel(MqttEncoder.INSTANCE);
        sizing.attr(MQTT_VERSION).set(MqttVersion.MQTT_5);
        try {
            ReferenceCountUtil.retain(message);
            sizing.writeOutbound(message);
            int size = 0;
            ByteBuf bytes;
            while ((bytes = sizing.readOutbound()) != null) {
                size += bytes.readableBytes();
                bytes.release();
            }
            return size;
        } finally {
            sizing.finishAndReleaseAll();
        }
    }

    static byte[] payload(MqttPublishMessage publish) {
        return ByteBufUtil.getBytes(publish.payload());
    }

    /** Closes the socket abruptly (RST) without DISCONNECT, as a crashing device would: the will is due. */
    void drop() throws IOException {
        socket.setSoLinger(true, 0);
        close();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } finally {
            encoder.finishAndReleaseAll();
            decoder.finishAndReleaseAll();
        }
    }
}
