package org.reef.mqtt.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The server side of one connected client: its identity, its connection and its outbound QoS 1 window.
 *
 * <p>All state is confined to the channel's event loop (one client, one thread: no locks); {@link #send} may be
 * called from any thread and hops onto the loop. Outbound QoS 1/2 messages take a packet identifier and wait in the
 * inflight window until the client acknowledges them (MQTT 3.1.1 section 4.3.2); beyond the window they wait in a
 * bounded queue, and when that is full the newest message is dropped and counted.
 */
public final class Session {

    private final String clientId;
    private final String username;
    private final int protocolLevel;
    private final Channel channel;
    private final int maxInflight;
    private final int maxQueued;

    private final PacketIds packetIds = new PacketIds();
    private final Map<Integer, PublishMessage> inflight = new HashMap<>();
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    private long dropped;

    public Session(String clientId, String username, int protocolLevel, Channel channel, int maxInflight,
                   int maxQueued) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.username = username;
        this.protocolLevel = protocolLevel;
        this.channel = Objects.requireNonNull(channel, "channel");
        this.maxInflight = maxInflight;
        this.maxQueued = maxQueued;
    }

    public String clientId() {
        return clientId;
    }

    public String username() {
        return username;
    }

    /** 3 (MQTT 3.1), 4 (3.1.1) or 5. */
    public int protocolLevel() {
        return protocolLevel;
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Delivers a message to this client with the given QoS (already downgraded to the subscription's maximum).
     * Thread-safe.
     */
    public void send(PublishMessage message, int qos) {
        if (channel.eventLoop().inEventLoop()) {
            sendOnLoop(message, qos);
        } else {
            channel.eventLoop().execute(() -> sendOnLoop(message, qos));
        }
    }

    /** Handles the client's PUBACK for an outbound QoS 1 message. Event loop only. */
    public boolean acknowledge(int packetId) {
        if (inflight.remove(packetId) == null) {
            return false;
        }
        packetIds.release(packetId);
        drainQueue();
        return true;
    }

    /** Messages dropped because the queue was full. Event loop only. */
    public long dropped() {
        return dropped;
    }

    /** Outbound messages awaiting acknowledgement. Event loop only. */
    public int inflightCount() {
        return inflight.size();
    }

    private void sendOnLoop(PublishMessage message, int qos) {
        if (!channel.isActive()) {
            return;
        }
        if (qos == 0) {
            write(message, 0, 0);
            return;
        }
        if (inflight.size() >= maxInflight || !queued.isEmpty()) {
            if (queued.size() >= maxQueued) {
                dropped++;
                return;
            }
            queued.add(new Pending(message, qos));
            return;
        }
        writeInflight(message, qos);
    }

    private void drainQueue() {
        while (!queued.isEmpty() && inflight.size() < maxInflight) {
            Pending next = queued.poll();
            writeInflight(next.message(), next.qos());
        }
    }

    private void writeInflight(PublishMessage message, int qos) {
        int packetId = packetIds.allocate();
        inflight.put(packetId, message);
        write(message, qos, packetId);
    }

    private void write(PublishMessage message, int qos, int packetId) {
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0);
        MqttPublishVariableHeader variableHeader = new MqttPublishVariableHeader(message.topic(), packetId);
        channel.writeAndFlush(new MqttPublishMessage(header, variableHeader, Unpooled.wrappedBuffer(message.payload())));
    }

    private record Pending(PublishMessage message, int qos) {
    }
}
