package org.reef.mqtt.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns inbound WebSocket data frames into the MQTT byte stream. MQTT 5.0 section 6 (and MQTT 3.1.1 section 6):
 * <blockquote>MQTT Control Packets MUST be sent in WebSocket binary data frames. If any other type of data frame is
 * received the recipient MUST close the Network Connection [MQTT-6.0.0-1]. A single WebSocket data frame can contain
 * multiple or partial MQTT Control Packets. The receiver MUST NOT assume that MQTT Control Packets are aligned on
 * WebSocket frame boundaries [MQTT-6.0.0-2].</blockquote>
 * So the content of binary frames, and of the continuation frames of a fragmented binary message, is passed on as it
 * is and the MQTT decoder behind reassembles packets from the stream; a text frame closes the connection with status
 * 1003 (unsupported data, RFC 6455 section 7.4.1). Ping, pong and close frames never get here: Netty's
 * {@code WebSocketServerProtocolHandler} answers them.
 *
 * <p>Ownership of a frame's buffer passes on with its content, or the frame is released here.
 */
final class WebSocketBinaryFrameHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(WebSocketBinaryFrameHandler.class.getName());

    /** Set once a text frame arrived: continuation frames of that text message are dropped, not decoded. */
    private boolean closing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            if (closing) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(((WebSocketFrame) msg).content());
            }
        } else if (msg instanceof TextWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            if (!closing) {
                closing = true;
                LOG.log(Level.INFO, "{0}: text WebSocket frame, closing (MQTT-6.0.0-1)", ctx.channel().remoteAddress());
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                                "MQTT packets must be sent in binary frames"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
