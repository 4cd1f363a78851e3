package org.reef.mqtt.broker;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare TCP client that writes MQTT packets encoded by Netty's encoder and can vanish without DISCONNECT, as a
 * crashing device would; also writes raw bytes for malformed-input tests.
 */
final class RawMqttClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawMqttClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    static RawMqttClient connectWithWill(int port, String clientId, String willTopic, String will) throws IOException {
        RawMqttClient client = new RawMqttClient(port);
        client.send(MqttMessageBuilders.connect().clientId(clientId).cleanSession(true)
                .protocolVersion(MqttVersion.MQTT_3_1_1).keepAlive(60)
                .willFlag(true).willTopic(willTopic).willMessage(will.getBytes(StandardCharsets.UTF_8))
                .willQoS(MqttQoS.AT_LEAST_ONCE).build());
        client.readConnAck();
        return client;
    }

    void send(MqttMessage message) throws IOException {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteBuf bytes;
        while ((bytes = encoder.readOutbound()) != null) {
            try {
                byte[] array = new byte[bytes.readableBytes()];
                bytes.readBytes(array);
                out.write(array);
            } finally {
                bytes.release();
            }
        }
        out.flush();
        encoder.finishAndReleaseAll();
    }

    private void readConnAck() throws IOException {
        byte[] connAck = in.readNBytes(4);
        if (connAck.length != 4 || connAck[0] != 0x20 || connAck[3] != 0) {
            throw new IOException("connection refused");
        }
    }

    /** Closes the socket without DISCONNECT (abnormal close: the will is due). */
    void dropConnection() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
