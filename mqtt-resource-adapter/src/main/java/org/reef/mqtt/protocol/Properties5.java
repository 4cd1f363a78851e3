package org.reef.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;
import org.reef.mqtt.session.MessageProperties;

import java.util.ArrayList;
import java.util.List;

/** Reads MQTT 5 properties decoded by Netty. */
final class Properties5 {

    private Properties5() {
    }

    static Long integer(MqttProperties properties, MqttProperties.MqttPropertyType type) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(type.value());
        if (property == null) {
            return null;
        }
        // Four-byte integers arrive as Integer and may be negative when above 2^31 - 1.
        return Integer.toUnsignedLong((Integer) property.value());
    }

    static String string(MqttProperties properties, MqttProperties.MqttPropertyType type) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(type.value());
        return property == null ? null : (String) property.value();
    }

    static byte[] binary(MqttProperties properties, MqttProperties.MqttPropertyType type) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(type.value());
        return property == null ? null : (byte[]) property.value();
    }

    static List<Integer> integers(MqttProperties properties, MqttProperties.MqttPropertyType type) {
        List<Integer> values = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> property : properties.getProperties(type.value())) {
            values.add((Integer) property.value());
        }
        return values;
    }

    /** The properties a subscriber receives unchanged (MQTT 5.0 section 3.3.2.3). */
    static MessageProperties passThrough(MqttProperties properties) {
        if (properties == null || properties.isEmpty()) {
            return MessageProperties.NONE;
        }
        Long format = integer(properties, MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR);
        List<MessageProperties.UserProperty> users = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> property
                : properties.getProperties(MqttProperties.MqttPropertyType.USER_PROPERTY.value())) {
            if (property instanceof MqttProperties.UserProperty user) {
                users.add(new MessageProperties.UserProperty(user.value().key, user.value().value));
            } else if (property instanceof MqttProperties.UserProperties many) {
                for (MqttProperties.StringPair pair : many.value()) {
                    users.add(new MessageProperties.UserProperty(pair.key, pair.value));
                }
            }
        }
        return new MessageProperties(format == null ? null : format.intValue(),
                string(properties, MqttProperties.MqttPropertyType.CONTENT_TYPE),
                string(properties, MqttProperties.MqttPropertyType.RESPONSE_TOPIC),
                binary(properties, MqttProperties.MqttPropertyType.CORRELATION_DATA),
                users);
    }
}
