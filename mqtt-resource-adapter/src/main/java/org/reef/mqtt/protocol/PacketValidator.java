package org.reef.mqtt.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Checks of a whole packet that Netty's MQTT decoder leaves out: MQTT 5 properties (known identifiers, allowed in
 * the packet, single-occurrence ones not repeated, lengths within the packet; MQTT 5.0 sections 2.2.2 and 3.x.2.3)
 * in CONNECT, PUBLISH and SUBSCRIBE, and the reserved bits of subscription options (MQTT 3.1.1 [MQTT-3-8.3-4],
 * MQTT 5.0 [MQTT-3.8.3-5]).
 */
final class PacketValidator {

    private static final int CONNECT = 1;
    private static final int PUBLISH = 3;
    private static final int SUBSCRIBE = 8;
    private static final int USER_PROPERTY = 0x26;
    private static final int SUBSCRIPTION_IDENTIFIER = 0x0B;

    private static final int[] CONNECT_PROPERTIES = {0x11, 0x21, 0x27, 0x22, 0x19, 0x17, 0x26, 0x15, 0x16};
    private static final int[] WILL_PROPERTIES = {0x18, 0x01, 0x02, 0x03, 0x08, 0x09, 0x26};
    private static final int[] PUBLISH_PROPERTIES = {0x01, 0x02, 0x23, 0x08, 0x09, 0x26, 0x03, 0x0B};
    private static final int[] SUBSCRIBE_PROPERTIES = {0x0B, 0x26};

    private PacketValidator() {
    }

    /**
     * @param frame        one whole packet (fixed header included), not consumed
     * @param headerLength length of its fixed header
     * @param level        the connection's protocol level, 0 before CONNECT
     * @return why the packet is refused, or null
     */
    static MalformedPacketException check(ByteBuf frame, int headerLength, int level) {
        int type = frame.getUnsignedByte(frame.readerIndex()) >> 4;
        Cursor cursor = new Cursor(frame, frame.readerIndex() + headerLength, frame.writerIndex());
        try {
            return switch (type) {
                case CONNECT -> checkConnect(cursor);
                case PUBLISH -> level == 5 ? checkPublish(cursor, frame.getUnsignedByte(frame.readerIndex())) : null;
                case SUBSCRIBE -> checkSubscribe(cursor, level);
                default -> null;
            };
        } catch (IndexOutOfBoundsException e) {
            return null; // too short to check: Netty's decoder reports it
        } catch (MalformedPacketException e) {
            return e;
        }
    }

    private static MalformedPacketException checkConnect(Cursor c) {
        c.skipString();                       // protocol name
        int level = c.readByte();
        int flags = c.readByte();
        c.skip(2);                            // keep alive
        if (level != 5) {
            return null;
        }
        c.properties(CONNECT_PROPERTIES, "CONNECT");
        c.skipString();                       // client identifier
        if ((flags & 0x04) != 0) {
            c.properties(WILL_PROPERTIES, "will");
        }
        return null;
    }

    private static MalformedPacketException checkPublish(Cursor c, int firstByte) {
        c.skipString();                       // topic name
        if (((firstByte >> 1) & 0x03) > 0) {
            c.skip(2);                        // packet identifier
        }
        if (c.properties(PUBLISH_PROPERTIES, "PUBLISH")[SUBSCRIPTION_IDENTIFIER] > 0) {
            // MQTT 5.0 section 3.3.4 [MQTT-3.3.4-6]: only the server sends Subscription Identifiers
            throw MalformedPacketException.protocolError("PUBLISH from a client with a Subscription Identifier");
        }
        return null;
    }

    private static MalformedPacketException checkSubscribe(Cursor c, int level) {
        c.skip(2);                            // packet identifier
        if (level == 5) {
            c.properties(SUBSCRIBE_PROPERTIES, "SUBSCRIBE");
        }
        while (c.hasMore()) {
            c.skipString();                   // topic filter
            int options = c.readByte();
            if (level == 5) {
                if ((options & 0xC0) != 0 || (options & 0x03) == 3 || ((options >> 4) & 0x03) == 3) {
                    throw MalformedPacketException.malformed("reserved bits or values in subscription options");
                }
            } else if ((options & 0xFC) != 0 || (options & 0x03) == 3) {
                throw MalformedPacketException.malformed("reserved bits in the requested QoS byte");
            }
        }
        return null;
    }

    /** Reads a packet within its bounds; running past the end is malformed. */
    private static final class Cursor {
        private final ByteBuf buf;
        private final int end;
        private int position;

        Cursor(ByteBuf buf, int position, int end) {
            this.buf = buf;
            this.position = position;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        int readByte() {
            require(1);
            return buf.getUnsignedByte(position++);
        }

        void skip(int bytes) {
            require(bytes);
            position += bytes;
        }

        void skipString() {
            require(2);
            int length = buf.getUnsignedShort(position);
            position += 2;
            skip(length);
        }

        int readVariableInteger() {
            int value = 0;
            int multiplier = 1;
            for (int i = 0; i < 4; i++) {
                int digit = readByte();
                value += (digit & 0x7F) * multiplier;
                if ((digit & 0x80) == 0) {
                    return value;
                }
                multiplier *= 128;
            }
            throw MalformedPacketException.malformed("variable byte integer longer than 4 bytes");
        }

        /** Walks a property list; returns how often each identifier occurred. */
        int[] properties(int[] allowed, String where) {
            int length = readVariableInteger();
            require(length);
            int stop = position + length;
            int[] seen = new int[0x80];
            while (position < stop) {
                int id = readVariableInteger();
                if (id >= seen.length || !contains(allowed, id)) {
                    throw MalformedPacketException.malformed("property 0x" + Integer.toHexString(id)
                            + " is not allowed in " + where);
                }
                if (++seen[id] > 1 && id != USER_PROPERTY && id != SUBSCRIPTION_IDENTIFIER) {
                    throw MalformedPacketException.protocolError("property 0x" + Integer.toHexString(id)
                            + " given twice in " + where);
                }
                skipValue(id);
                if (position > stop) {
                    throw MalformedPacketException.malformed("a property runs past the property length");
                }
            }
            return seen;
        }

        private void skipValue(int id) {
            switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> skip(1);
                case 0x13, 0x21, 0x22, 0x23 -> skip(2);
                case 0x02, 0x11, 0x18, 0x27 -> skip(4);
                case 0x0B -> readVariableInteger();
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F, 0x09, 0x16 -> skipString();
                case 0x26 -> {
                    skipString();
                    skipString();
                }
                default -> throw MalformedPacketException.malformed("unknown property 0x" + Integer.toHexString(id));
            }
        }

        private void require(int bytes) {
            if (bytes < 0 || position + bytes > end) {
                throw MalformedPacketException.malformed("a length runs past the end of the packet");
            }
        }

        private static boolean contains(int[] values, int value) {
            for (int v : values) {
                if (v == value) {
                    return true;
                }
            }
            return false;
        }
    }
}
