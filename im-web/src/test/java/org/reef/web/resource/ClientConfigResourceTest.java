package org.reef.web.resource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.web.dto.ClientConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientConfigResourceTest {

    private static final String[] PROPERTIES = {"reef.mqtt.ws-port", "reef.mqtt.wss-port", "reef.mqtt.ws-path",
            "reef.mqtt.tls-keystore", "reef.port-offset"};

    @AfterEach
    void clear() {
        for (String property : PROPERTIES) {
            System.clearProperty(property);
        }
    }

    @Test
    void defaultsAreTheAdaptersDefaultsWithoutSecureWebSocket() {
        assertEquals(new ClientConfig(8083, -1, "/mqtt", 65_536), ClientConfigResource.read(65_536));
    }

    @Test
    void offsetPortsAndPathComeFromTheAdaptersSystemProperties() {
        System.setProperty("reef.mqtt.ws-port", "18083");
        System.setProperty("reef.mqtt.wss-port", "18084");
        System.setProperty("reef.mqtt.ws-path", "chat/mqtt");
        System.setProperty("reef.mqtt.tls-keystore", "/etc/reef/keystore.p12");
        assertEquals(new ClientConfig(18083, 18084, "/chat/mqtt", 1024), ClientConfigResource.read(1024));
    }

    @Test
    void aListenerTurnedOffIsMinusOne() {
        System.setProperty("reef.mqtt.ws-port", "-1");
        assertEquals(-1, ClientConfigResource.read(1).mqttWsPort());
    }

    @Test
    void thePortOffsetMovesDefaultPortsOnlyAsTheAdapterDoes() {
        System.setProperty("reef.port-offset", "100");
        System.setProperty("reef.mqtt.tls-keystore", "/etc/reef/keystore.p12");
        assertEquals(new ClientConfig(8183, 8184, "/mqtt", 1), ClientConfigResource.read(1));
        System.setProperty("reef.mqtt.ws-port", "9000");
        assertEquals(9000, ClientConfigResource.read(1).mqttWsPort(), "an explicit port wins");
    }
}
