package org.reef.mqtt.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a queued {@link Delivery} into bytes for a {@link SessionStore} and back: the message with its MQTT 5
 * pass-through properties, the delivery's QoS, RETAIN flag and Subscription Identifiers. A message expiry is kept as
 * wall-clock time, since {@link System#nanoTime()} means nothing to another process.
 */
public final class DeliveryCodec {

    /** Format version, first byte of every record. */
    private static final int VERSION = 1;

    private DeliveryCodec() {
    }

    /** Encodes a delivery; {@code nowNanos} and {@code nowMillis} are one instant on both clocks. */
    public static byte[] encode(Delivery delivery, long nowNanos, long nowMillis) {
        PublishMessage message = delivery.message();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + message.payload().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeString(out, message.topic());
            out.writeInt(message.payload().length);
            out.write(message.payload());
            out.writeByte(message.qos());
            out.writeBoolean(message.retain());
            writeNullable(out, message.publisherId());
            out.writeLong(message.expiresAtNanos() == PublishMessage.NEVER ? -1
                    : nowMillis + Math.max(0, (message.expiresAtNanos() - nowNanos) / 1_000_000));
            MessageProperties properties = message.properties();
            out.writeInt(properties.payloadFormatIndicator() == null ? -1 : properties.payloadFormatIndicator());
            writeNullable(out, properties.contentType());
            writeNullable(out, properties.responseTopic());
            out.writeInt(properties.correlationData() == null ? -1 : properties.correlationData().length);
            if (properties.correlationData() != null) {
                out.write(properties.correlationData());
            }
            out.writeInt(properties.userProperties().size());
            for (MessageProperties.UserProperty property : properties.userProperties()) {
                writeString(out, property.name());
                writeString(out, property.value());
            }
            out.writeByte(delivery.qos());
            out.writeBoolean(delivery.retain());
            out.writeInt(delivery.subscriptionIds().size());
            for (int id : delivery.subscriptionIds()) {
                out.writeInt(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a delivery; an expired message comes back expired (dropped when its turn comes).
     *
     * @throws IllegalArgumentException if the bytes are not a delivery of a known format
     */
    public static Delivery decode(byte[] data, long nowNanos, long nowMillis) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown stored delivery format " + version);
            }
            String topic = readString(in);
            byte[] payload = readBytes(in, in.readInt());
            int qos = in.readUnsignedByte();
            boolean retain = in.readBoolean();
            String publisherId = readNullable(in);
            long expiresAtMillis = in.readLong();
            int format = in.readInt();
            String contentType = readNullable(in);
            String responseTopic = readNullable(in);
            int correlationLength = in.readInt();
            byte[] correlation = null;
            if (correlationLength >= 0) {
                correlation = readBytes(in, correlationLength);
            }
            int userCount = in.readInt();
            List<MessageProperties.UserProperty> user = new ArrayList<>(userCount);
            for (int i = 0; i < userCount; i++) {
                user.add(new MessageProperties.UserProperty(readString(in), readString(in)));
            }
            int deliveryQos = in.readUnsignedByte();
            boolean deliveryRetain = in.readBoolean();
            int idCount = in.readInt();
            List<Integer> ids = new ArrayList<>(idCount);
            for (int i = 0; i < idCount; i++) {
                ids.add(in.readInt());
            }
            MessageProperties properties = format < 0 && contentType == null && responseTopic == null
                    && correlation == null && user.isEmpty() ? MessageProperties.NONE
                    : new MessageProperties(format < 0 ? null : format, contentType, responseTopic, correlation, user);
            long expiresAtNanos = expiresAtMillis < 0 ? PublishMessage.NEVER
                    : nowNanos + (expiresAtMillis - nowMillis) * 1_000_000;
            return new Delivery(new PublishMessage(topic, payload, qos, retain, publisherId, properties,
                    expiresAtNanos), deliveryQos, deliveryRetain, ids);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a stored delivery: " + e.getMessage(), e);
        }
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            writeString(out, value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    /** UTF-8 with an int length (DataOutput's modified UTF-8 stops at 65 535 bytes, MQTT strings may not). */
    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in, in.readInt()), StandardCharsets.UTF_8);
    }

    /** Reads a length-prefixed field, refusing a length the record cannot hold. */
    private static byte[] readBytes(DataInputStream in, int length) throws IOException {
        if (length < 0 || length > in.available()) {
            throw new IOException("a field of " + length + " bytes in a record with " + in.available() + " left");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
