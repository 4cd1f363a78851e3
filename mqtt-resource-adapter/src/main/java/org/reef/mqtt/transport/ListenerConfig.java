package org.reef.mqtt.transport;

import java.util.HashMap;
import java.util.Map;

/**
 * The network listeners of the embedded broker: which of plain TCP, TLS, WebSocket and secure WebSocket are open, on
 * which address and ports. The resource adapter builds it from its config-properties; an invalid combination fails
 * here, in the constructor, so it fails the adapter's start with a message naming the property at fault.
 *
 * <p>A port of {@value #OFF} turns a listener off; port 0 binds any free port (tests read the actual one from
 * {@link MqttServer#port(Listener)}). The TLS and WSS listeners are opened only when {@code tls} is given: their
 * default ports do not open anything on a server without a keystore.
 *
 * @param host    address every listener binds to
 * @param tcpPort plain MQTT port (IANA 1883)
 * @param tlsPort MQTT over TLS port (IANA 8883, MQTT 5.0 section 4.2)
 * @param wsPort  MQTT over WebSocket port (MQTT 5.0 section 6)
 * @param wssPort MQTT over WebSocket over TLS port
 * @param wsPath  HTTP path of the WebSocket endpoint, shared by WS and WSS
 * @param tls     key material of the TLS listeners; {@code null} keeps TLS and WSS off
 */
public record ListenerConfig(String host, int tcpPort, int tlsPort, int wsPort, int wssPort, String wsPath,
                             TlsConfig tls) {

    /** Port value that turns a listener off. */
    public static final int OFF = -1;
    public static final int DEFAULT_TCP_PORT = 1883;
    public static final int DEFAULT_TLS_PORT = 8883;
    public static final int DEFAULT_WS_PORT = 8083;
    public static final int DEFAULT_WSS_PORT = 8084;
    public static final String DEFAULT_WS_PATH = "/mqtt";

    public ListenerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("listener host must not be empty");
        }
        checkPort("tcp port", tcpPort);
        checkPort("tls port", tlsPort);
        checkPort("websocket port", wsPort);
        checkPort("secure websocket port", wssPort);
        if (wsPath == null || !wsPath.startsWith("/")
                || wsPath.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
            throw new IllegalArgumentException(
                    "websocket path must start with '/' and hold no blank, '?' or '#': '" + wsPath + "'");
        }
        Map<Integer, Listener> taken = new HashMap<>();
        int enabled = 0;
        for (Listener kind : Listener.values()) {
            int port = portOf(kind, tcpPort, tlsPort, wsPort, wssPort);
            if (port == OFF || kind.secure() && tls == null) {
                continue;
            }
            enabled++;
            Listener other = port == 0 ? null : taken.putIfAbsent(port, kind);
            if (other != null) {
                throw new IllegalArgumentException("the " + other + " and " + kind + " listeners are both set to port "
                        + port + ": give each enabled listener its own port, or -1 to turn one off");
            }
        }
        if (enabled == 0) {
            throw new IllegalArgumentException("no MQTT listener enabled: set a tcp or websocket port, or a keystore"
                    + " with a tls or secure websocket port");
        }
    }

    /** Defaults for tests: plain TCP on 127.0.0.1 with a free port; TLS, WS and WSS off. */
    public static ListenerConfig forTests() {
        return new ListenerConfig("127.0.0.1", 0, OFF, OFF, OFF, DEFAULT_WS_PATH, null);
    }

    /** Only the plain TCP listener. */
    public static ListenerConfig tcpOnly(String host, int port) {
        return new ListenerConfig(host, port, OFF, OFF, OFF, DEFAULT_WS_PATH, null);
    }

    /** Whether {@link MqttServer} opens this listener: its port is not {@value #OFF} and, if secure, TLS is set. */
    public boolean enabled(Listener kind) {
        return port(kind) != OFF && (!kind.secure() || tls != null);
    }

    /** The configured port of a listener (0: any free port, {@value #OFF}: off). */
    public int port(Listener kind) {
        return portOf(kind, tcpPort, tlsPort, wsPort, wssPort);
    }

    /** A copy with one listener's port changed, e.g. {@code withPort(Listener.WS, 0)} to open WebSocket in a test. */
    public ListenerConfig withPort(Listener kind, int port) {
        return new ListenerConfig(host,
                kind == Listener.TCP ? port : tcpPort,
                kind == Listener.TLS ? port : tlsPort,
                kind == Listener.WS ? port : wsPort,
                kind == Listener.WSS ? port : wssPort,
                wsPath, tls);
    }

    /** A copy with TLS key material, which the TLS and WSS listeners need. */
    public ListenerConfig withTls(TlsConfig newTls) {
        return new ListenerConfig(host, tcpPort, tlsPort, wsPort, wssPort, wsPath, newTls);
    }

    public ListenerConfig withWsPath(String path) {
        return new ListenerConfig(host, tcpPort, tlsPort, wsPort, wssPort, path, tls);
    }

    private static int portOf(Listener kind, int tcpPort, int tlsPort, int wsPort, int wssPort) {
        return switch (kind) {
            case TCP -> tcpPort;
            case TLS -> tlsPort;
            case WS -> wsPort;
            case WSS -> wssPort;
        };
    }

    private static void checkPort(String name, int port) {
        if (port < OFF || port > 65535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, or -1 for off: " + port);
        }
    }
}
