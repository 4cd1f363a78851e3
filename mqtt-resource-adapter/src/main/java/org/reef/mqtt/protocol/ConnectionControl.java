package org.reef.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;

/** What packet handlers may ask of the connection they serve. */
interface ConnectionControl {

    /** Closes the connection for a protocol reason, sending MQTT 5 clients a DISCONNECT with the reason first. */
    void disconnect(ChannelHandlerContext ctx, Connection connection, int reasonCode, String reason);

    /**
     * Stops handling further packets (they are held, in order) until {@link #resume}: for a packet whose answer
     * needs the container, so that later packets are not answered before it.
     */
    void pause(ChannelHandlerContext ctx);

    /** Handles the held packets, then reads on. Event loop only. */
    void resume(ChannelHandlerContext ctx);

    /**
     * One of the connection's inbound deliveries completed and was answered: a PUBLISH waiting for room goes on, and
     * reading resumes once the connection's inflow drained to half its bound. Event loop only.
     */
    void inflowCompleted(ChannelHandlerContext ctx);
}
