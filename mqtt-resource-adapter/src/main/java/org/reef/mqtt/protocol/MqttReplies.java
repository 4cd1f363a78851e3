package org.reef.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;

/** Builds the server's control packets. Reason codes and properties are only set where the version has them. */
final class MqttReplies {

    private MqttReplies() {
    }

    static MqttMessage connAckRefused(int protocolLevel, MqttConnectReturnCode v3Code, MqttConnectReturnCode v5Code) {
        return MqttMessageBuilders.connAck()
                .returnCode(protocolLevel == 5 ? v5Code : v3Code)
                .sessionPresent(false)
                .build();
    }

    static MqttMessage pubAck(int packetId, int reasonCode, String reasonString, boolean v5) {
        MqttMessageBuilders.PubAckBuilder builder = MqttMessageBuilders.pubAck().packetId(packetId);
        if (v5) {
            builder.reasonCode((byte) reasonCode);
            if (reasonString != null) {
                MqttProperties properties = new MqttProperties();
                properties.add(new MqttProperties.StringProperty(
                        MqttProperties.MqttPropertyType.REASON_STRING.value(), reasonString));
                builder.properties(properties);
            }
        }
        return builder.build();
    }

    static MqttSubAckMessage subAck(int packetId, int[] reasonCodes) {
        return new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(reasonCodes));
    }

    static MqttMessage unsubAck(int packetId, Short[] reasonCodes, boolean v5) {
        MqttMessageBuilders.UnsubAckBuilder builder = MqttMessageBuilders.unsubAck().packetId(packetId);
        if (v5) {
            builder.addReasonCodes(reasonCodes);
        }
        return builder.build();
    }

    /** MQTT 5 server-initiated DISCONNECT (section 3.14) with a reason code. */
    static MqttMessage disconnect(int reasonCode) {
        return MqttMessageBuilders.disconnect().reasonCode((byte) reasonCode).build();
    }
}
