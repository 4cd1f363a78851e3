package org.reef.mqtt.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;

import java.util.List;

/**
 * Wraps each encoded MQTT packet in a WebSocket binary frame, the only frame type MQTT allows (MQTT 5.0 section 6,
 * [MQTT-6.0.0-1]). Anything else written (the HTTP responses of the handshake) passes untouched.
 */
@ChannelHandler.Sharable
final class WebSocketBinaryFrameEncoder extends MessageToMessageEncoder<ByteBuf> {

    static final WebSocketBinaryFrameEncoder INSTANCE = new WebSocketBinaryFrameEncoder();

    private WebSocketBinaryFrameEncoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        // The encoder releases msg after encode: the frame keeps its own reference.
        out.add(new BinaryWebSocketFrame(msg.retain()));
    }
}
