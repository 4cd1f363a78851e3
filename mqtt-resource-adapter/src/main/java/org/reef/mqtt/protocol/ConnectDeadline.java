package org.reef.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes a connection that has not been accepted with a CONNACK within the CONNECT deadline of its acceptance
 * (security review F3). MQTT 3.1.1 section 3.1 and MQTT 5.0 section 3.1 only say a server SHOULD close a connection
 * whose CONNECT does not arrive "within a reasonable amount of time"; without it, a client that sends a partial
 * CONNECT, or nothing, holds a file descriptor and up to a maximum packet of buffered input for ever.
 *
 * <p>It sits first in the pipeline, in front of TLS and HTTP, so the same deadline covers the TLS handshake, the
 * WebSocket upgrade request (complete or not) and the CONNECT itself. {@link #passed} removes it once CONNACK accepted
 * the client; from then on keep-alive governs silence.
 */
public final class ConnectDeadline extends ChannelInboundHandlerAdapter {

    /** Pipeline name of the handler. */
    public static final String NAME = "connectDeadline";

    private static final Logger LOG = Logger.getLogger(ConnectDeadline.class.getName());

    private final long timeoutMillis;
    private final Runnable onTimeout;
    private ScheduledFuture<?> timer;

    /**
     * @param onTimeout told of every connection the deadline closes (the broker counts them)
     */
    public ConnectDeadline(long timeoutMillis, Runnable onTimeout) {
        this.timeoutMillis = timeoutMillis;
        this.onTimeout = onTimeout;
    }

    /** The client was accepted: its connection is no longer subject to the deadline. Event loop only. */
    public static void passed(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) != null) {
            pipeline.remove(NAME);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer != null) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                onTimeout.run();
                LOG.log(Level.FINE, "{0}: no CONNECT accepted within {1} ms, closing",
                        new Object[]{ctx.channel().remoteAddress(), timeoutMillis});
                ctx.channel().close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
