package org.reef.mqtt.transport;

/**
 * The kinds of listener the embedded broker can open. Each carries MQTT over a different network connection, as MQTT
 * 5.0 section 4.2 allows: plain TCP, TLS, and WebSocket (section 6) with or without TLS.
 */
public enum Listener {

    /** MQTT over plain TCP, IANA port 1883. */
    TCP("mqtt", false, false),
    /** MQTT over TLS, IANA port 8883 (MQTT 5.0 section 4.2). */
    TLS("mqtts", true, false),
    /** MQTT over WebSocket (MQTT 5.0 section 6). */
    WS("ws", false, true),
    /** MQTT over WebSocket over TLS. */
    WSS("wss", true, true);

    private final String scheme;
    private final boolean secure;
    private final boolean webSocket;

    Listener(String scheme, boolean secure, boolean webSocket) {
        this.scheme = scheme;
        this.secure = secure;
        this.webSocket = webSocket;
    }

    /** The URI scheme clients use for this listener, for log lines. */
    public String scheme() {
        return scheme;
    }

    /** Whether the listener needs the keystore: it is only opened when TLS is configured. */
    public boolean secure() {
        return secure;
    }

    public boolean webSocket() {
        return webSocket;
    }
}
