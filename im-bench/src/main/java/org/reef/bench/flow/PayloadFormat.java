package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * How a {@link Stamp} travels in a payload. Plain MQTT scenarios use {@link BinaryStampFormat}; scenarios that go
 * through an application protocol (the IM server wraps a body in its own JSON events) supply their own.
 */
public interface PayloadFormat {

    /** The smallest size that holds a stamp. */
    int minimumSize();

    /**
     * A payload carrying the stamp: of exactly {@code size} bytes, or, for a format that wraps the stamp in an
     * application protocol's message, with a message body of that size (the protocol's envelope comes on top).
     */
    ByteBuf encode(ByteBufAllocator alloc, Stamp stamp, int size);

    /** The stamp in a payload, or null when the payload is not one of ours. Does not consume the buffer. */
    Stamp decode(ByteBuf payload);
}
