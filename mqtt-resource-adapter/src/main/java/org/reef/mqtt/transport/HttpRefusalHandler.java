package org.reef.mqtt.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Refuses the HTTP requests the WebSocket handshake handler passes on, those for another path than the MQTT endpoint:
 * 404 (400 for a request that does not even parse), then close. The WebSocket listener serves MQTT only, and this
 * keeps HTTP from ever reaching the MQTT decoder behind. Removes itself once the handshake completed, as from then on
 * only WebSocket frames flow.
 */
@ChannelHandler.Sharable
final class HttpRefusalHandler extends ChannelInboundHandlerAdapter {

    static final HttpRefusalHandler INSTANCE = new HttpRefusalHandler();

    private static final Logger LOG = Logger.getLogger(HttpRefusalHandler.class.getName());

    private HttpRefusalHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (msg instanceof HttpRequest request) {
                HttpResponseStatus status = request.decoderResult().isFailure()
                        ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.NOT_FOUND;
                LOG.log(Level.FINE, "{0}: HTTP {1} is not the MQTT WebSocket endpoint, answering {2}",
                        new Object[]{ctx.channel().remoteAddress(), request.method(), status.code()});
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                        Unpooled.EMPTY_BUFFER);
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        super.userEventTriggered(ctx, evt);
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            ctx.pipeline().remove(ctx.name());
        }
    }
}
