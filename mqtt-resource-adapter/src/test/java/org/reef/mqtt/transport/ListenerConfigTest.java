package org.reef.mqtt.transport;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation of the listener settings, as the resource adapter's start would meet it. */
class ListenerConfigTest {

    private static final TlsConfig TLS = new TlsConfig(Path.of("server.p12"), "secret-pw", null, null, null, null);

    private static ListenerConfig defaults(TlsConfig tls) {
        return new ListenerConfig("0.0.0.0", ListenerConfig.DEFAULT_TCP_PORT, ListenerConfig.DEFAULT_TLS_PORT,
                ListenerConfig.DEFAULT_WS_PORT, ListenerConfig.DEFAULT_WSS_PORT, ListenerConfig.DEFAULT_WS_PATH, tls);
    }

    private static String failure(Runnable construction) {
        return assertThrows(IllegalArgumentException.class, construction::run).getMessage();
    }

    @Test
    void defaultsOpenTcpAndWebSocketAndTlsOnlyWithAKeystore() {
        ListenerConfig withoutKeystore = defaults(null);
        assertTrue(withoutKeystore.enabled(Listener.TCP));
        assertTrue(withoutKeystore.enabled(Listener.WS));
        assertFalse(withoutKeystore.enabled(Listener.TLS));
        assertFalse(withoutKeystore.enabled(Listener.WSS));

        ListenerConfig withKeystore = defaults(TLS);
        for (Listener kind : Listener.values()) {
            assertTrue(withKeystore.enabled(kind), kind.name());
        }
        assertEquals(8883, withKeystore.port(Listener.TLS));
        assertEquals(8084, withKeystore.port(Listener.WSS));
    }

    @Test
    void minusOneTurnsAListenerOff() {
        ListenerConfig config = defaults(TLS).withPort(Listener.WS, ListenerConfig.OFF);
        assertFalse(config.enabled(Listener.WS));
        assertTrue(config.enabled(Listener.TCP));
    }

    @Test
    void forTestsIsTcpOnlyOnLoopbackWithAFreePort() {
        ListenerConfig config = ListenerConfig.forTests();
        assertEquals("127.0.0.1", config.host());
        assertEquals(0, config.tcpPort());
        assertFalse(config.enabled(Listener.TLS) || config.enabled(Listener.WS) || config.enabled(Listener.WSS));
        assertTrue(config.withPort(Listener.WS, 0).enabled(Listener.WS));
        assertTrue(config.withTls(TLS).withPort(Listener.WSS, 0).enabled(Listener.WSS));
    }

    @Test
    void rejectsPortsOutOfRange() {
        assertTrue(failure(() -> defaults(null).withPort(Listener.TCP, 65536)).contains("tcp port"));
        assertTrue(failure(() -> defaults(null).withPort(Listener.WS, -2)).contains("websocket port"));
    }

    @Test
    void rejectsTwoEnabledListenersOnOnePort() {
        String message = failure(() -> defaults(TLS).withPort(Listener.WSS, 8083));
        assertTrue(message.contains("WS and WSS") && message.contains("8083"), message);
    }

    @Test
    void sharedPortIsFineWhenOneOfTheListenersIsOff() {
        // Without a keystore the TLS listener does not open, so its port clashes with nothing.
        ListenerConfig config = defaults(null).withPort(Listener.TLS, 1883);
        assertFalse(config.enabled(Listener.TLS));
        // Port 0 means a different free port for each.
        ListenerConfig anyPorts = ListenerConfig.forTests().withPort(Listener.WS, 0);
        assertTrue(anyPorts.enabled(Listener.WS));
    }

    @Test
    void rejectsAPathNotStartingWithSlash() {
        assertTrue(failure(() -> defaults(null).withWsPath("mqtt")).contains("websocket path"));
        assertTrue(failure(() -> defaults(null).withWsPath("/mqtt?x=1")).contains("websocket path"));
        assertTrue(failure(() -> defaults(null).withWsPath(null)).contains("websocket path"));
    }

    @Test
    void rejectsNoListenerAtAll() {
        String message = failure(() -> new ListenerConfig("localhost", -1, 8883, -1, 8084, "/mqtt", null));
        assertTrue(message.contains("no MQTT listener"), message);
    }

    @Test
    void rejectsAnEmptyHost() {
        assertTrue(failure(() -> ListenerConfig.tcpOnly(" ", 1883)).contains("host"));
    }

    @Test
    void tlsSettingsAreCheckedAndNeverPrinted() {
        assertEquals(TlsConfig.PKCS12, TLS.keystoreType());
        assertEquals(TlsConfig.ClientAuth.NONE, TLS.clientAuth());
        assertEquals(TlsConfig.JKS,
                new TlsConfig(Path.of("k.jks"), "pw", "jks", null, null, null).keystoreType());
        assertTrue(failure(() -> new TlsConfig(Path.of("k"), "pw", "PEM", null, null, null)).contains("PKCS12 or JKS"));
        assertTrue(failure(() -> new TlsConfig(Path.of("k"), null, null, null, null, null)).contains("password"));
        assertTrue(failure(() -> new TlsConfig(Path.of("k"), "pw", null, null, null, TlsConfig.ClientAuth.REQUIRE))
                .contains("truststore"));

        assertFalse(defaults(new TlsConfig(Path.of("k"), "secret-pw", null, Path.of("t"), "trust-pw",
                TlsConfig.ClientAuth.OPTIONAL)).toString().matches(".*(secret-pw|trust-pw).*"));
    }

    @Test
    void tlsFromPropertiesTreatsABlankKeystoreAsNoTls() {
        assertNull(TlsConfig.fromProperties("  ", "pw", null, null, null, null));
        TlsConfig tls = TlsConfig.fromProperties("/etc/reef/server.p12", "pw", "", "/etc/reef/trust.p12", null,
                "require");
        assertEquals(Path.of("/etc/reef/server.p12"), tls.keystore());
        assertEquals(TlsConfig.ClientAuth.REQUIRE, tls.clientAuth());
        assertTrue(failure(() -> TlsConfig.ClientAuth.parse("sometimes")).contains("NONE, OPTIONAL or REQUIRE"));
    }
}
