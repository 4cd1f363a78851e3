package org.reef.mqtt.session;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;


/**
 * Builds outbound PUBLISH packets: the MQTT 5 properties a subscriber gets (passed-through properties, remaining
 * Message Expiry Interval, Subscription Identifiers, Topic Alias) and the size check against the client's Maximum
 * Packet Size.
 */
final class PublishPackets {

    private PublishPackets() {
    }

    /**
     * The MQTT 5 properties of a delivery, or {@link MqttProperties#NO_PROPERTIES}.
     *
     * @param topicAlias the alias to send, or 0 for none
     */
    static MqttProperties properties(Delivery delivery, boolean v5, int topicAlias, long nowNanos) {
        if (!v5) {
            return MqttProperties.NO_PROPERTIES;
        }
        PublishMessage message = delivery.message();
        MessageProperties passed = message.properties();
        long expiry = message.remainingExpirySeconds(nowNanos);
        if (passed.isEmpty() && expiry < 0 && delivery.subscriptionIds().isEmpty() && topicAlias == 0) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties properties = new MqttProperties();
        if (passed.payloadFormatIndicator() != null) {
            properties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), passed.payloadFormatIndicator()));
        }
        if (expiry >= 0) {
            properties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), (int) expiry));
        }
        if (topicAlias > 0) {
            properties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.TOPIC_ALIAS.value(), topicAlias));
        }
        if (passed.responseTopic() != null) {
            properties.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.RESPONSE_TOPIC.value(), passed.responseTopic()));
        }
        if (passed.correlationData() != null) {
            properties.add(new MqttProperties.BinaryProperty(
                    MqttProperties.MqttPropertyType.CORRELATION_DATA.value(), passed.correlationData()));
        }
        for (MessageProperties.UserProperty user : passed.userProperties()) {
            properties.add(new MqttProperties.UserProperty(user.name(), user.value()));
        }
        for (int id : delivery.subscriptionIds()) {
            properties.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
        }
        if (passed.contentType() != null) {
            properties.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.CONTENT_TYPE.value(), passed.contentType()));
        }
        return properties;
    }

    /** A PUBLISH packet; {@code topicName} is "" when the alias in {@code properties} names the topic. */
    static MqttPublishMessage publish(Delivery delivery, int packetId, boolean dup, String topicName,
                                      MqttProperties properties) {
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(delivery.qos()),
                delivery.retain(), 0);
        return new MqttPublishMessage(header, new MqttPublishVariableHeader(topicName, packetId, properties),
                Unpooled.wrappedBuffer(delivery.message().payload()));
    }

    /**
     * The exact encoded size of a PUBLISH, to respect the client's Maximum Packet Size (MQTT 5.0 section 3.1.2.11.4:
     * the server must not send larger packets, and drops them as if delivered).
     */
    static long encodedSize(Delivery delivery, String topicName, boolean v5, MqttProperties properties) {
        long remaining = 2L + utf8Length(topicName) + (delivery.qos() > 0 ? 2 : 0)
                + delivery.message().payload().length;
        if (v5) {
            long propertyLength = propertiesLength(properties);
            remaining += variableIntegerLength(propertyLength) + propertyLength;
        }
        return 1 + variableIntegerLength(remaining) + remaining;
    }

    private static long propertiesLength(MqttProperties properties) {
        long length = 0;
        for (MqttProperties.MqttProperty<?> property : properties.listAll()) {
            length += 1; // every identifier the server sends is below 128
            if (property instanceof MqttProperties.UserProperties users) {
                length -= 1;
                for (MqttProperties.StringPair pair : users.value()) {
                    length += 1 + 2 + utf8Length(pair.key) + 2 + utf8Length(pair.value);
                }
            } else if (property instanceof MqttProperties.StringProperty string) {
                length += 2 + utf8Length(string.value());
            } else if (property instanceof MqttProperties.BinaryProperty binary) {
                length += 2 + binary.value().length;
            } else if (property instanceof MqttProperties.IntegerProperty integer) {
                length += integerLength(integer.propertyId(), integer.value());
            }
        }
        return length;
    }

    private static int integerLength(int id, int value) {
        if (id == MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value()) {
            return 1;
        }
        if (id == MqttProperties.MqttPropertyType.TOPIC_ALIAS.value()) {
            return 2;
        }
        if (id == MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()) {
            return variableIntegerLength(value);
        }
        return 4;
    }

    private static int variableIntegerLength(long value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    private static int utf8Length(String s) {
        return io.netty.buffer.ByteBufUtil.utf8Bytes(s);
    }
}
