package org.reef.mqtt.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.protocol.ConnectDeadline;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.testing.FakeWorkManager;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transport handlers on EmbeddedChannels: pipeline order per transport, and the WebSocket adapters. */
class ChannelPipelineTest {

    private final FakeWorkManager workManager = new FakeWorkManager();
    private final MqttBroker broker = new MqttBroker(BrokerConfig.forTests(), workManager);

    @AfterEach
    void closeWorkManager() throws InterruptedException {
        workManager.close();
    }

    @Test
    void tcpPipelineIsTheConnectDeadlineAndTheMqttPart() {
        EmbeddedChannel channel = new EmbeddedChannel(
                new MqttTcpChannelInitializer(broker, ConcurrentHashMap.newKeySet()));
        assertEquals(List.of(ByteCounter.NAME, ConnectDeadline.NAME, MqttChannelInitializer.FLUSH, MqttChannelInitializer.FRAMER, MqttChannelInitializer.DECODER,
                MqttChannelInitializer.ENCODER, MqttChannelInitializer.HANDLER), handlerNames(channel));
        channel.finishAndReleaseAll();
    }

    @Test
    void webSocketPipelinePutsHttpAndFramesBeforeTheMqttPart() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttWebSocketChannelInitializer(broker,
                ConcurrentHashMap.newKeySet(), ListenerConfig.DEFAULT_WS_PATH, null));
        List<String> names = handlerNames(channel);
        List<String> expectedOrder = List.of(ByteCounter.NAME, ConnectDeadline.NAME, MqttWebSocketChannelInitializer.HTTP_CODEC,
                MqttWebSocketChannelInitializer.HTTP_AGGREGATOR, MqttWebSocketChannelInitializer.WEBSOCKET_PROTOCOL,
                MqttWebSocketChannelInitializer.HTTP_REFUSAL, MqttWebSocketChannelInitializer.WEBSOCKET_FRAME_DECODER,
                MqttWebSocketChannelInitializer.WEBSOCKET_FRAME_ENCODER, MqttChannelInitializer.FLUSH,
                MqttChannelInitializer.FRAMER, MqttChannelInitializer.DECODER, MqttChannelInitializer.ENCODER,
                MqttChannelInitializer.HANDLER);
        assertEquals(expectedOrder, names.stream().filter(expectedOrder::contains).toList());
        assertFalse(names.contains(MqttTlsChannelInitializer.SSL));
        channel.finishAndReleaseAll();
    }

    @Test
    void openChannelsTrackConnectionsUntilClosed() {
        Set<Channel> open = ConcurrentHashMap.newKeySet();
        EmbeddedChannel channel = new EmbeddedChannel(new MqttTcpChannelInitializer(broker, open));
        assertTrue(open.contains(channel));
        channel.close();
        assertTrue(open.isEmpty());
    }

    @Test
    void binaryAndContinuationFramesPassTheirContentOn() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketBinaryFrameHandler());
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, bytes("MQ")));
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, bytes("TT")));

        assertEquals("MQ", readText(channel.readInbound()));
        assertEquals("TT", readText(channel.readInbound()));
        assertTrue(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void textFrameClosesWithUnsupportedData() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketBinaryFrameHandler());
        TextWebSocketFrame text = new TextWebSocketFrame(false, 0, "CONN");
        ContinuationWebSocketFrame rest = new ContinuationWebSocketFrame(true, 0, bytes("ECT"));
        channel.writeInbound(text, rest);

        assertNull(channel.readInbound(), "nothing of a text message reaches MQTT");
        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(1003, close.statusCode());
        close.release();
        assertFalse(channel.isOpen());
        assertEquals(0, text.refCnt());
        assertEquals(0, rest.refCnt());
    }

    @Test
    void encoderWrapsPacketsInBinaryFrames() {
        EmbeddedChannel channel = new EmbeddedChannel(WebSocketBinaryFrameEncoder.INSTANCE);
        channel.writeOutbound(bytes("packet"));
        BinaryWebSocketFrame frame = channel.readOutbound();
        assertEquals("packet", frame.content().toString(StandardCharsets.US_ASCII));
        frame.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void httpRequestForAnotherPathGets404AndClose() {
        EmbeddedChannel channel = new EmbeddedChannel(HttpRefusalHandler.INSTANCE);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/admin");
        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        assertEquals(HttpResponseStatus.NOT_FOUND, response.status());
        response.release();
        assertEquals(0, request.refCnt());
        assertFalse(channel.isOpen());
    }

    @Test
    void otherMessagesPassTheRefusalHandler() {
        EmbeddedChannel channel = new EmbeddedChannel(HttpRefusalHandler.INSTANCE);
        channel.writeInbound(bytes("frame content"));
        assertInstanceOf(ByteBuf.class, channel.<Object>readInbound()).release();
        channel.finishAndReleaseAll();
    }

    @Test
    void maxFramePayloadAddsSlackWithoutOverflow() {
        assertEquals(256 * 1024 + MqttWebSocketChannelInitializer.FRAME_SLACK_BYTES,
                MqttWebSocketChannelInitializer.maxFramePayload(256 * 1024));
        assertEquals(Integer.MAX_VALUE, MqttWebSocketChannelInitializer.maxFramePayload(Integer.MAX_VALUE - 1));
    }

    private static List<String> handlerNames(EmbeddedChannel channel) {
        return channel.pipeline().names().stream().filter(name -> !name.startsWith("DefaultChannelPipeline")).toList();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String readText(ByteBuf buffer) {
        try {
            return buffer.toString(StandardCharsets.US_ASCII);
        } finally {
            ReferenceCountUtil.release(buffer);
        }
    }
}
