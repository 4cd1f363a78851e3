package org.reef.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;

/** Builds the server's control packets. Reason codes and properties are only set where the version has them. */
final class MqttReplies {

    private MqttReplies() {
    }

    static MqttMessage connAckRefused(int protocolLevel, MqttConnectReturnCode v3Code, MqttConnectReturnCode v5Code,
                                      String reason) {
        MqttMessageBuilders.ConnAckBuilder builder = MqttMessageBuilders.connAck()
                .returnCode(protocolLevel == 5 ? v5Code : v3Code)
                .sessionPresent(false);
        if (protocolLevel == 5 && reason != null) {
            builder.properties(p -> p.reasonString(reason));
        }
        return builder.build();
    }

    /** PUBACK (QoS 1). MQTT 3.1.1 has no reason code: a refusal is acknowledged like a success there. */
    static MqttMessage pubAck(int packetId, int reasonCode, String reasonString, boolean v5) {
        return reply(MqttMessageType.PUBACK, MqttQoS.AT_MOST_ONCE, packetId, reasonCode, reasonString, v5);
    }

    /** PUBREC (QoS 2, step 1). */
    static MqttMessage pubRec(int packetId, int reasonCode, String reasonString, boolean v5) {
        return reply(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE, packetId, reasonCode, reasonString, v5);
    }

    /** PUBCOMP (QoS 2, step 3); reason 0x92 when the packet id was unknown (MQTT 5). */
    static MqttMessage pubComp(int packetId, int reasonCode, boolean v5) {
        return reply(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, packetId, reasonCode, null, v5);
    }

    /** PUBREL (QoS 2, step 2): its fixed header flags are 0010 (MQTT 3.1.1 section 3.6.1). */
    static MqttMessage pubRel(int packetId, int reasonCode, boolean v5) {
        return reply(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, packetId, reasonCode, null, v5);
    }

    private static MqttMessage reply(MqttMessageType type, MqttQoS flags, int packetId, int reasonCode,
                                     String reasonString, boolean v5) {
        MqttFixedHeader header = new MqttFixedHeader(type, false, flags, false, 0);
        if (!v5 || (reasonCode == ReasonCodes.SUCCESS && reasonString == null)) {
            return new MqttMessage(header, io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader.from(packetId));
        }
        return new MqttMessage(header,
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reasonCode, reasonProperties(reasonString)));
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

    /** MQTT 5 server-initiated DISCONNECT (section 3.14) with a reason code and, optionally, a reason string. */
    static MqttMessage disconnect(int reasonCode, String reasonString) {
        return MqttMessageBuilders.disconnect().reasonCode((byte) reasonCode)
                .properties(reasonProperties(reasonString)).build();
    }

    private static MqttProperties reasonProperties(String reasonString) {
        if (reasonString == null) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.REASON_STRING.value(),
                reasonString));
        return properties;
    }
}
