package org.reef.mqtt.transport;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.broker.BrokerConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One connection allowance per remote address, whichever listener the connections arrive on. */
@Timeout(60)
class ConnectRateListenersTest {

    @Test
    void connectionsOverWebSocketAndTcpShareTheAddresssAllowance() throws Exception {
        ListenerConfig listeners = ListenerConfig.forTests().withPort(Listener.WS, 0);
        try (ServerFixture fixture = new ServerFixture(listeners, BrokerConfig.forTests().withConnectRate(1, 1))) {
            fixture.connect(Listener.WS, null, null);
            MqttException refused = assertThrows(MqttException.class, () -> fixture.connect(Listener.TCP, null, null));
            assertEquals(MqttException.REASON_CODE_BROKER_UNAVAILABLE, refused.getReasonCode(),
                    "MQTT 3.1.1 CONNACK 0x03 over TCP after the WebSocket connection used 127.0.0.1's burst");
            assertEquals(1, fixture.broker.metrics().rateLimitedConnectionCount());
        }
    }
}
