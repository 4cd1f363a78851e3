package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BinaryStampFormatTest {

    private final BinaryStampFormat format = BinaryStampFormat.INSTANCE;

    @Test
    void aStampSurvivesTheRoundTripAtTheRequestedSize() {
        Stamp stamp = new Stamp(42, 1_000_000, 123_456_789_012_345L);
        ByteBuf payload = format.encode(UnpooledByteBufAllocator.DEFAULT, stamp, 64);
        try {
            assertEquals(64, payload.readableBytes());
            assertEquals(stamp, format.decode(payload));
            assertEquals(0, payload.readerIndex(), "decoding must not consume the payload");
        } finally {
            payload.release();
        }
    }

    @Test
    void theSmallestPayloadIsTheStampItself() {
        ByteBuf payload = format.encode(UnpooledByteBufAllocator.DEFAULT, new Stamp(0, 0, -1), 20);
        try {
            assertEquals(20, payload.readableBytes());
            assertEquals(new Stamp(0, 0, -1), format.decode(payload));
        } finally {
            payload.release();
        }
        assertThrows(IllegalArgumentException.class,
                () -> format.encode(UnpooledByteBufAllocator.DEFAULT, new Stamp(0, 0, 0), 19));
    }

    @Test
    void foreignPayloadsAreNotOurs() {
        assertNull(format.decode(Unpooled.copiedBuffer("a retained hello from someone else", StandardCharsets.UTF_8)));
        assertNull(format.decode(Unpooled.buffer(8).writeInt(BinaryStampFormat.MARKER)));
        ByteBuf negative = Unpooled.buffer(20).writeInt(BinaryStampFormat.MARKER).writeInt(-1).writeInt(0)
                .writeLong(0);
        assertNull(format.decode(negative));
    }
}
