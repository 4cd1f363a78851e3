package org.reef.mqtt.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A packet the server refuses before decoding it fully: malformed (MQTT 5 reason 0x81) or, when
 * {@link #protocolError()}, well-formed but against the rules (0x82).
 */
public final class MalformedPacketException extends DecoderException {

    private final boolean protocolError;

    MalformedPacketException(String message, boolean protocolError) {
        super(message);
        this.protocolError = protocolError;
    }

    static MalformedPacketException malformed(String message) {
        return new MalformedPacketException(message, false);
    }

    static MalformedPacketException protocolError(String message) {
        return new MalformedPacketException(message, true);
    }

    public boolean protocolError() {
        return protocolError;
    }
}
