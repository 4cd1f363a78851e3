package org.reef.mqtt.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.reef.mqtt.broker.BrokerMetrics;

/**
 * Counts the bytes a connection reads and writes on the network, for {@code $SYS/broker/load/bytes/...}. First in
 * every pipeline, so it sees the socket's bytes (TLS records and WebSocket frames included, as Mosquitto counts
 * them). One instance serves every connection: it keeps no per-connection state, and a count is one
 * {@link java.util.concurrent.atomic.LongAdder} add per read or write, not per packet.
 */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {

    static final String NAME = "byteCounter";

    private final BrokerMetrics metrics;

    ByteCounter(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long size = size(msg);
        if (size > 0) {
            metrics.bytesReceived(size);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long size = size(msg);
        if (size > 0) {
            metrics.bytesSent(size);
        }
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }
}
