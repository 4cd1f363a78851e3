package org.reef.mqtt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;

import java.util.List;

/**
 * Cuts the byte stream into whole MQTT packets before Netty's decoder sees them (MQTT 5.0 section 2.1.4): it refuses
 * a Remaining Length above the maximum packet size as soon as the length is read, so no client can make the server
 * buffer more than one packet; it checks what Netty's decoder does not ({@link PacketValidator}); and it notices a
 * packet whose inner lengths ran past its end (the decoder then waits for bytes that belong to the next packet) and
 * refuses it as malformed. A refusal reaches the protocol handler as a decoding failure, and everything after it is
 * discarded.
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {

    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final int maxPacketSize;
    private final PacketCounter counter;
    private long countAtLastFrame = -1;
    private boolean failed;

    public MqttFrameDecoder(int maxPacketSize, PacketCounter counter) {
        this.maxPacketSize = maxPacketSize;
        this.counter = counter;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (countAtLastFrame >= 0 && counter.count() == countAtLastFrame) {
            fail(in, out, MalformedPacketException.malformed("a length inside the packet runs past its end"));
            return;
        }
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available < 2) {
            return;
        }
        int remaining = 0;
        int multiplier = 1;
        int headerLength = 1;
        while (true) {
            if (headerLength >= available) {
                return; // the length is not complete yet
            }
            int digit = in.getUnsignedByte(start + headerLength);
            headerLength++;
            remaining += (digit & 0x7F) * multiplier;
            if ((digit & 0x80) == 0) {
                break;
            }
            if (headerLength == 5) {
                fail(in, out, MalformedPacketException.malformed("Remaining Length longer than 4 bytes"));
                return;
            }
            multiplier *= 128;
        }
        if (headerLength + remaining > maxPacketSize) {
            // MQTT 5.0 section 3.1.2.11.4: the Maximum Packet Size counts the whole packet, fixed header included
            fail(in, out, new TooLongFrameException("packet of " + (headerLength + remaining) + " bytes exceeds "
                    + maxPacketSize));
            return;
        }
        if (available < headerLength + remaining) {
            return;
        }
        ByteBuf frame = in.readRetainedSlice(headerLength + remaining);
        MalformedPacketException invalid = PacketValidator.check(frame, headerLength, level(ctx));
        if (invalid != null) {
            frame.release();
            fail(in, out, invalid);
            return;
        }
        countAtLastFrame = counter.count();
        out.add(frame);
    }

    /** A frame the decoder swallowed at the end of a read would otherwise wait for the next read to be noticed. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (!failed && countAtLastFrame >= 0 && counter.count() == countAtLastFrame) {
            failed = true;
            ctx.fireChannelRead(MqttMessageFactory.newInvalidMessage(
                    MalformedPacketException.malformed("a length inside the packet runs past its end")));
        }
        super.channelReadComplete(ctx);
    }

    private void fail(ByteBuf in, List<Object> out, Exception cause) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(MqttMessageFactory.newInvalidMessage(cause));
    }

    private static int level(ChannelHandlerContext ctx) {
        MqttVersion version = ctx.channel().attr(MQTT_VERSION).get();
        return version == null ? 0 : version.protocolLevel();
    }
}
