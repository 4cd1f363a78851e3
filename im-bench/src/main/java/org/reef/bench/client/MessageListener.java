package org.reef.bench.client;

import io.netty.buffer.ByteBuf;

/**
 * Receives the application messages the server delivers to one client.
 *
 * <p>Called on the client's event loop, before the client acknowledges a QoS 1 message, so it must be quick and
 * must not block. The payload is released when the call returns: read it, do not keep it.
 */
@FunctionalInterface
public interface MessageListener {

    /** For clients that only publish or only hold a connection. */
    MessageListener IGNORE = (topic, payload) -> { };

    void onMessage(String topic, ByteBuf payload);
}
