package org.reef.bench.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns channel events into calls on the one {@link MqttClient} of the channel, and owns the buffers: every
 * decoded message is released in {@code finally}, whatever the client did with it.
 */
final class MqttClientHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "mqttClient";

    private final MqttClient client;

    MqttClientHandler(MqttClient client) {
        this.client = client;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            client.sendConnect();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client.sendConnect();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage message)) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                client.failed(message.decoderResult().cause());
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case CONNACK -> client.connAckReceived((MqttConnAckMessage) message);
                case PUBLISH -> client.publishReceived((MqttPublishMessage) message);
                case PUBACK -> client.pubAckReceived(message);
                case SUBACK -> client.subAckReceived((MqttSubAckMessage) message);
                case PINGRESP -> client.pingAnswered();
                case DISCONNECT -> client.disconnectReceived(message);
                default -> client.failed(new IllegalStateException(
                        "unexpected " + message.fixedHeader().messageType() + " from the server"));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        client.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        client.failed(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.closed();
        ctx.fireChannelInactive();
    }
}
