package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The stamp in the first 20 bytes of the payload, big-endian: a 4-byte marker ({@code RFB1}), the stream, the
 * sequence number and the send time in nanoseconds; zeros fill the rest up to the requested size. The marker
 * keeps a stray message on the topic (a retained one, another tool's) from being counted as ours.
 */
public final class BinaryStampFormat implements PayloadFormat {

    public static final BinaryStampFormat INSTANCE = new BinaryStampFormat();

    static final int MARKER = 0x52464231; // "RFB1"
    static final int SIZE = 20;

    private BinaryStampFormat() {
    }

    @Override
    public int minimumSize() {
        return SIZE;
    }

    @Override
    public ByteBuf encode(ByteBufAllocator alloc, Stamp stamp, int size) {
        if (size < SIZE) {
            throw new IllegalArgumentException("a payload needs at least " + SIZE + " bytes, not " + size);
        }
        ByteBuf payload = alloc.buffer(size, size);
        payload.writeInt(MARKER).writeInt(stamp.stream()).writeInt(stamp.seq()).writeLong(stamp.sentNanos());
        payload.writeZero(size - SIZE);
        return payload;
    }

    @Override
    public Stamp decode(ByteBuf payload) {
        int at = payload.readerIndex();
        if (payload.readableBytes() < SIZE || payload.getInt(at) != MARKER) {
            return null;
        }
        int stream = payload.getInt(at + 4);
        int seq = payload.getInt(at + 8);
        if (stream < 0 || seq < 0) {
            return null;
        }
        return new Stamp(stream, seq, payload.getLong(at + 12));
    }
}
