package org.reef.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;

/** Closes a connection for a protocol reason, sending MQTT 5 clients a DISCONNECT with the reason first. */
@FunctionalInterface
interface Disconnector {

    void disconnect(ChannelHandlerContext ctx, Connection connection, int reasonCode, String reason);
}
