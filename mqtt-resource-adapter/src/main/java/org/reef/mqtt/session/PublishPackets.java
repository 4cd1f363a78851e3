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
     * @param topicName the topic to write, or "" when {@code topicAlias} already names it
     * @param topicAlias the alias to send, or 0 for none
     */
    static MqttPublishMessage publish(Delivery delivery, int packetId, boolean dup, boolean v5, String topicName,
                                      int topicAlias, long nowNanos) {
        PublishMessage message = delivery.message();
        MqttProperties properties = v5 ? properties(delivery, topicAlias, nowNanos) : MqttProperties.NO_PROPERTIES;
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(delivery.qos()),
                delivery.retain(), 0);
        return new MqttPublishMessage(header, new MqttPublishVariableHeader(topicName, packetId, properties),
                Unpooled.wrappedBuffer(message.payload()));
    }

    private static MqttProperties properties(Delivery delivery, int topicAlias, long nowNanos) {
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

    /**
     * An upper bound of the encoded size of a PUBLISH, to respect the client's Maximum Packet Size (MQTT 5.0 section
     * 3.1.2.11.4: the server must not send larger packets, and drops them as if delivered).
     */
    static long encodedSizeBound(Delivery delivery, String topicName) {
        PublishMessage message = delivery.message();
        MessageProperties passed = message.properties();
        long size = 5 + 2 + utf8Length(topicName) + 2 + message.payload().length;
        size += 4 + 2 + 5 + 3; // property length, format indicator, expiry, alias
        size += passed.contentType() == null ? 0 : 3 + utf8Length(passed.contentType());
        size += passed.responseTopic() == null ? 0 : 3 + utf8Length(passed.responseTopic());
        size += passed.correlationData() == null ? 0 : 3 + passed.correlationData().length;
        for (MessageProperties.UserProperty user : passed.userProperties()) {
            size += 5 + utf8Length(user.name()) + utf8Length(user.value());
        }
        size += 5L * delivery.subscriptionIds().size();
        return size;
    }

    private static int utf8Length(String s) {
        return io.netty.buffer.ByteBufUtil.utf8Bytes(s);
    }
}
