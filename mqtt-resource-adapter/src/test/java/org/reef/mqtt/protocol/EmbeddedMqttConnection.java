package org.reef.mqtt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.transport.MqttTcpChannelInitializer;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection to the broker, entirely in memory: the server side is the real pipeline (the TCP channel
 * initializer's codec and protocol handler) on an EmbeddedChannel; the client side is Netty's MQTT codec on another,
 * so every packet crosses the wire format in both directions.
 */
final class EmbeddedMqttConnection implements AutoCloseable {

    final EmbeddedChannel server;
    private final EmbeddedChannel client = new EmbeddedChannel(new MqttDecoder(), MqttEncoder.INSTANCE);

    EmbeddedMqttConnection(MqttBroker broker) {
        server = new EmbeddedChannel(new MqttTcpChannelInitializer(broker, ConcurrentHashMap.newKeySet()));
    }

    /** A connection that seems to come from {@code remote} (an EmbeddedChannel has no IP address of its own). */
    EmbeddedMqttConnection(MqttBroker broker, SocketAddress remote) {
        server = new EmbeddedChannel(new MqttTcpChannelInitializer(broker, ConcurrentHashMap.newKeySet())) {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }

    /** Encodes a packet as a client would and feeds its bytes to the server. */
    void send(MqttMessage message) {
        client.writeOutbound(message);
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            server.writeInbound(bytes);
        }
    }

    /** Encodes packets as a client would and feeds their bytes to the server at once, as one read would. */
    void sendTogether(List<? extends MqttMessage> messages) {
        messages.forEach(client::writeOutbound);
        CompositeByteBuf all = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            all.addComponent(true, bytes);
        }
        server.writeInbound(all);
    }

    /** Feeds raw bytes to the server (malformed input). */
    void sendRaw(ByteBuf bytes) {
        server.writeInbound(bytes);
    }

    /** Runs tasks queued for the server's event loop and decodes everything the server wrote since last asked. */
    List<MqttMessage> received() {
        server.runPendingTasks();
        if (server.isOpen()) {
            server.flushOutbound();
        }
        ByteBuf bytes;
        while ((bytes = server.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
        List<MqttMessage> messages = new ArrayList<>();
        Object message;
        while ((message = client.readInbound()) != null) {
            messages.add((MqttMessage) message);
        }
        return messages;
    }

    /** The single packet the server wrote since last asked. */
    MqttMessage receivedOne() {
        List<MqttMessage> messages = received();
        if (messages.size() != 1) {
            messages.forEach(ReferenceCountUtil::release);
            throw new AssertionError("expected one packet, got " + messages);
        }
        return messages.get(0);
    }

    boolean isOpen() {
        server.runPendingTasks();
        return server.isOpen();
    }

    @Override
    public void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }
}
