package org.reef.bench.client;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

/** The server answered CONNECT with a CONNACK that refuses the connection (MQTT 3.1.1 §3.2.2.3, MQTT 5 §3.2.2.2). */
public final class ConnectionRefusedException extends Exception {

    private final MqttConnectReturnCode code;

    public ConnectionRefusedException(MqttConnectReturnCode code) {
        super(String.format("CONNACK refused: %s (0x%02X)", code, code.byteValue() & 0xFF));
        this.code = code;
    }

    public MqttConnectReturnCode code() {
        return code;
    }
}
