package org.reef.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttClientTest {

    private static final ClientSettings V3 = ClientSettings.of("c1", MqttVersion.MQTT_3_1_1).withKeepAlive(0);
    private static final ClientSettings V5 = ClientSettings.of("c5", MqttVersion.MQTT_5).withKeepAlive(0);

    private final List<String> published = new ArrayList<>();
    private final PublishListener recordPublished = (token, success) -> published.add(token + ":" + success);

    private static MqttMessage pubAck(int id) {
        return MqttMessageBuilders.pubAck().packetId(id).build();
    }

    @Test
    void connectCarriesTheSettings() {
        ClientSettings settings = V3.withClientId("dev-1").withCleanSession(false, 0).withKeepAlive(30)
                .withCredentials("alice", "s3cret");
        EmbeddedClient embedded = new EmbeddedClient(settings, MessageListener.IGNORE);
        MqttConnectMessage connect = embedded.channel.readOutbound();
        assertEquals("dev-1", connect.payload().clientIdentifier());
        assertFalse(connect.variableHeader().isCleanSession());
        assertEquals(30, connect.variableHeader().keepAliveTimeSeconds());
        assertEquals(4, connect.variableHeader().version());
        assertEquals("alice", connect.payload().userName());
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), connect.payload().passwordInBytes());
        assertFalse(embedded.connected.isDone(), "connected only once CONNACK arrives");
    }

    @Test
    void anMqtt5PersistentSessionAsksForASessionExpiry() {
        EmbeddedClient embedded = new EmbeddedClient(V5.withCleanSession(false, 3_600), MessageListener.IGNORE);
        MqttConnectMessage connect = embedded.channel.readOutbound();
        assertEquals(5, connect.variableHeader().version());
        assertEquals(3_600, connect.variableHeader().properties()
                .getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL).value());
    }

    @Test
    void anAcceptingConnAckCompletesTheConnectWithSessionPresent() {
        EmbeddedClient embedded = new EmbeddedClient(V3, MessageListener.IGNORE);
        embedded.channel.readOutbound();
        embedded.channel.writeInbound(EmbeddedClient.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, true));
        assertTrue(embedded.connected.join().sessionPresent());
    }

    @Test
    void aRefusingConnAckFailsTheConnectAndCloses() {
        EmbeddedClient embedded = new EmbeddedClient(V3, MessageListener.IGNORE);
        embedded.channel.writeInbound(EmbeddedClient.connAck(
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, false));
        CompletionException failure = assertThrows(CompletionException.class, embedded.connected::join);
        ConnectionRefusedException refused = assertInstanceOf(ConnectionRefusedException.class, failure.getCause());
        assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, refused.code());
        assertFalse(embedded.channel.isOpen());
        assertEquals("CONNACK refused: CONNECTION_REFUSED_NOT_AUTHORIZED (0x05)", embedded.client.closeReason());
    }

    @Test
    void aConnectionClosedBeforeConnAckFailsTheConnect() {
        EmbeddedClient embedded = new EmbeddedClient(V3, MessageListener.IGNORE);
        embedded.channel.close();
        assertThrows(CompletionException.class, embedded.connected::join);
        assertEquals("closed before CONNACK", embedded.client.closeReason());
    }

    @Test
    void aQos1PublicationHoldsAWindowSlotUntilItsPubAck() {
        EmbeddedClient embedded = new EmbeddedClient(V3.withMaxInflight(1), MessageListener.IGNORE);
        MqttClient client = embedded.accept();
        AtomicInteger ready = new AtomicInteger();
        client.onReady(ready::incrementAndGet);

        client.publish("a/b", MqttQoS.AT_LEAST_ONCE, Unpooled.wrappedBuffer(new byte[] {1, 2}), 41,
                recordPublished);
        client.flush();
        assertFalse(client.hasWindowFor(MqttQoS.AT_LEAST_ONCE));
        assertTrue(client.hasWindowFor(MqttQoS.AT_MOST_ONCE));
        MqttPublishMessage sent = embedded.channel.readOutbound();
        assertEquals("a/b", sent.variableHeader().topicName());
        assertEquals(MqttQoS.AT_LEAST_ONCE, sent.fixedHeader().qosLevel());
        assertEquals(1, sent.variableHeader().packetId());
        sent.release();
        assertTrue(published.isEmpty());

        embedded.channel.writeInbound(pubAck(1));
        assertEquals(List.of("41:true"), published);
        assertEquals(1, ready.get());
        assertTrue(client.hasWindowFor(MqttQoS.AT_LEAST_ONCE));
    }

    @Test
    void anMqtt5PubAckWithAnErrorReasonIsAFailedPublication() {
        EmbeddedClient embedded = new EmbeddedClient(V5.withMaxInflight(4), MessageListener.IGNORE);
        MqttClient client = embedded.accept();
        client.publish("a/b", MqttQoS.AT_LEAST_ONCE, Unpooled.buffer(1).writeByte(0), 7, recordPublished);
        client.flush();
        ((MqttPublishMessage) embedded.channel.readOutbound()).release();
        embedded.channel.writeInbound(MqttMessageBuilders.pubAck().packetId(1).reasonCode((byte) 0x87)
                .properties(MqttProperties.NO_PROPERTIES).build());
        assertEquals(List.of("7:false"), published);
    }

    @Test
    void aQos0PublicationCompletesOnceWritten() {
        EmbeddedClient embedded = new EmbeddedClient(V3, MessageListener.IGNORE);
        MqttClient client = embedded.accept();
        client.publish("a/b", MqttQoS.AT_MOST_ONCE, Unpooled.buffer(1).writeByte(0), 3, recordPublished);
        assertTrue(published.isEmpty(), "not written before the flush");
        client.flush();
        assertEquals(List.of("3:true"), published);
        ((MqttPublishMessage) embedded.channel.readOutbound()).release();
    }

    @Test
    void publishingOffTheEventLoopIsRefusedAndReleasesThePayload() throws Exception {
        // an EmbeddedChannel's loop claims every thread as its own: this needs a real event loop
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            LocalChannel channel = new LocalChannel();
            group.register(channel).sync();
            MqttClient client = new MqttClient(channel, V3, MessageListener.IGNORE, new ClientStats(),
                    new CompletableFuture<>());
            ByteBuf payload = Unpooled.buffer(1).writeByte(0);
            assertThrows(IllegalStateException.class,
                    () -> client.publish("a/b", MqttQoS.AT_MOST_ONCE, payload, 0, recordPublished));
            assertEquals(0, payload.refCnt());
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void anIncomingQos1MessageIsDeliveredThenAcknowledgedAndReleased() {
        List<String> received = new ArrayList<>();
        EmbeddedClient embedded = new EmbeddedClient(V3,
                (topic, payload) -> received.add(topic + "=" + payload.toString(StandardCharsets.UTF_8)));
        embedded.accept();
        ByteBuf payload = Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8);
        embedded.channel.writeInbound(new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                new MqttPublishVariableHeader("x/y", 77), payload));
        assertEquals(List.of("x/y=hi"), received);
        assertEquals(0, payload.refCnt());
        MqttMessage ack = embedded.channel.readOutbound();
        assertEquals(MqttMessageType.PUBACK, ack.fixedHeader().messageType());
        assertEquals(77, ((MqttMessageIdVariableHeader) ack.variableHeader()).messageId());
    }

    @Test
    void aSubscriptionCompletesWithTheSubAckCodes() {
        EmbeddedClient embedded = new EmbeddedClient(V3, MessageListener.IGNORE);
        MqttClient client = embedded.accept();
        CompletableFuture<List<Integer>> acked = client.subscribe("bench/#", MqttQoS.AT_LEAST_ONCE);
        embedded.channel.runPendingTasks();
        MqttSubscribeMessage subscribe = embedded.channel.readOutbound();
        assertEquals("bench/#", subscribe.payload().topicSubscriptions().get(0).topicFilter());
        int id = subscribe.variableHeader().messageId();
        assertTrue(id > ClientSettings.MAX_INFLIGHT, "subscription ids never collide with publication ids");
        embedded.channel.writeInbound(MqttMessageBuilders.subAck().packetId(id).addGrantedQos(MqttQoS.AT_MOST_ONCE)
                .build());
        assertEquals(List.of(0), acked.join());
    }

    @Test
    void closingFailsWhatIsStillPending() {
        EmbeddedClient embedded = new EmbeddedClient(V3.withMaxInflight(2), MessageListener.IGNORE);
        MqttClient client = embedded.accept();
        client.publish("a", MqttQoS.AT_LEAST_ONCE, Unpooled.buffer(1).writeByte(0), 1, recordPublished);
        client.flush();
        CompletableFuture<List<Integer>> acked = client.subscribe("b", MqttQoS.AT_MOST_ONCE);
        embedded.channel.runPendingTasks();
        embedded.channel.close();
        assertEquals(List.of("1:false"), published);
        assertTrue(acked.isCompletedExceptionally());
        assertFalse(client.isOpen());
        assertFalse(client.closeRequested(), "the server's close, not ours");
        embedded.channel.releaseOutbound();
    }

    @Test
    void disconnectSendsDisconnectThenCloses() {
        EmbeddedClient embedded = new EmbeddedClient(V3, MessageListener.IGNORE);
        MqttClient client = embedded.accept();
        CompletableFuture<Void> closed = client.disconnect();
        embedded.channel.runPendingTasks();
        MqttMessage disconnect = embedded.channel.readOutbound();
        assertEquals(MqttMessageType.DISCONNECT, disconnect.fixedHeader().messageType());
        assertTrue(closed.isDone());
        assertTrue(client.closeRequested());
        assertNull(client.closeReason());
    }

    @Test
    void theServersDisconnectIsTheCloseReason() {
        EmbeddedClient embedded = new EmbeddedClient(V3, MessageListener.IGNORE);
        embedded.accept();
        embedded.channel.writeInbound(MqttMessage.DISCONNECT);
        assertFalse(embedded.channel.isOpen());
        assertEquals("server sent DISCONNECT", embedded.client.closeReason());
    }
}
