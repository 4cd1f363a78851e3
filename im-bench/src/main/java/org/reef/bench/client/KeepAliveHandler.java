package org.reef.bench.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * MQTT 3.1.1 §3.1.2.10: the client must send a control packet within every keep-alive period, and with nothing else
 * to send it sends PINGREQ. A server that sends nothing at all, not even PINGRESP, for two periods is gone, and the
 * connection is closed as failed rather than left to count as open.
 */
final class KeepAliveHandler extends IdleStateHandler {

    static final String NAME = "keepAlive";

    private final MqttClient client;

    KeepAliveHandler(int seconds, MqttClient client) {
        super(2L * seconds, seconds, 0, TimeUnit.SECONDS);
        this.client = client;
    }

    /** Replaces the keep-alive of a live pipeline, for an MQTT 5 Server Keep Alive (MQTT 5 §3.2.2.3.14). */
    static void install(ChannelPipeline pipeline, int seconds, MqttClient client) {
        if (pipeline.get(NAME) != null) {
            pipeline.remove(NAME);
        }
        if (seconds > 0) {
            pipeline.addBefore(MqttClientHandler.NAME, NAME, new KeepAliveHandler(seconds, client));
        }
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (event.state() == IdleState.WRITER_IDLE) {
            client.pingSent();
            ctx.writeAndFlush(MqttMessage.PINGREQ);
        } else if (event.state() == IdleState.READER_IDLE) {
            ctx.fireExceptionCaught(new TimeoutException("no packet from the server for two keep-alive periods ("
                    + 2 * getWriterIdleTimeInMillis() / 1000 + " s)"));
        }
    }
}
