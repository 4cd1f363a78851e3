package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * How a {@link Stamp} travels in a payload. Plain MQTT scenarios use {@link BinaryStampFormat}; scenarios that go
 * through an application protocol (the IM server wraps a body in its own JSON events) supply their own.
 */
public interface PayloadFormat {

    /** The smallest payload that holds a stamp. */
    int minimumSize();

    /** A payload of exactly {@code size} bytes carrying the stamp. */
    ByteBuf encode(ByteBufAllocator alloc, Stamp stamp, int size);

    /** The stamp in a payload, or null when the payload is not one of ours. Does not consume the buffer. */
    Stamp decode(ByteBuf payload);
}
