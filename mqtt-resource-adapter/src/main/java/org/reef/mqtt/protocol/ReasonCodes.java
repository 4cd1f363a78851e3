package org.reef.mqtt.protocol;

/** MQTT 5.0 reason codes the server sends (MQTT 5.0 section 2.4). */
final class ReasonCodes {

    static final int SUCCESS = 0x00;
    static final int NO_SUBSCRIPTION_EXISTED = 0x11;
    static final int UNSPECIFIED_ERROR = 0x80;
    static final int MALFORMED_PACKET = 0x81;
    static final int PROTOCOL_ERROR = 0x82;
    static final int IMPLEMENTATION_SPECIFIC_ERROR = 0x83;
    static final int NOT_AUTHORIZED = 0x87;
    static final int SERVER_SHUTTING_DOWN = 0x8B;
    static final int KEEP_ALIVE_TIMEOUT = 0x8D;
    static final int SESSION_TAKEN_OVER = 0x8E;
    static final int TOPIC_FILTER_INVALID = 0x8F;
    static final int TOPIC_NAME_INVALID = 0x90;
    static final int PACKET_TOO_LARGE = 0x95;
    static final int QOS_NOT_SUPPORTED = 0x9B;

    private ReasonCodes() {
    }
}
