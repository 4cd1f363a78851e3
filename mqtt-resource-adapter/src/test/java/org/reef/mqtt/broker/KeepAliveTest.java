package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keep-alive (MQTT 3.1.1 section 3.1.2.10, MQTT 5.0 sections 3.1.2.10 and 3.2.2.3.14): a silent client is
 * disconnected after one and a half times its keep-alive, MQTT 5 clients with DISCONNECT 0x8D first; a client that
 * pings stays; Server Keep Alive is enforced.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KeepAliveTest extends BrokerTestBase {


    /** [MQTT-3.1.2-24]: nothing received for 1.5 x keep-alive: the server closes the connection. */
    @Test
    void aSilentMqtt311ClientIsClosedAfterOneAndAHalfKeepAlives() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage ack = raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId("silent311").cleanSession(true).keepAlive(1).build());
            assertEquals(0, ack.variableHeader().connectReturnCode().byteValue());
            long connected = System.nanoTime();
            List<MqttMessage> before = raw.awaitClose(4_000);
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
            assertTrue(after >= 1_000, "not before the keep-alive: closed after " + after + " ms");
            assertTrue(before.isEmpty(), "MQTT 3.1.1 has no server DISCONNECT");
        }
    }

    /**
     * Security review F3: MQTT 3.1.1 has no Server Keep Alive, so a 3.1.1 client asking for no keep-alive (or more
     * than the server's maximum) is held to the maximum: closed after 1.5 x the maximum without a packet.
     */
    @Test
    void anMqtt311ClientWithoutKeepAliveIsClosedAfterTheServersMaximum() throws Exception {
        start(TestConfig.defaults().maxKeepAlive(1).build());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage ack = raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId("forever311").cleanSession(true).keepAlive(0).build());
            assertEquals(0, ack.variableHeader().connectReturnCode().byteValue());
            assertTrue(raw.awaitClose(6_000).isEmpty(), "MQTT 3.1.1 has no server DISCONNECT");
        }
    }

    @Test
    void anMqtt311ClientAskingMoreThanTheMaximumIsHeldToTheMaximum() throws Exception {
        start(TestConfig.defaults().maxKeepAlive(1).build());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            raw.connect(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId("long311").cleanSession(true).keepAlive(3000).build());
            raw.awaitClose(6_000);
        }
    }

    /** MQTT 5.0 section 4.13: the MQTT 5 client is told why (0x8D); a lost connection publishes the will. */
    @Test
    void aSilentMqtt5ClientGetsKeepAliveTimeoutAndItsWillIsPublished() throws Exception {
        start(BrokerConfig.forTests());
        BlockingQueue<Mqtt5Publish> wills = hive.subscriber("watcher", "presence/#", MqttQos.AT_LEAST_ONCE);
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            raw.connect(RawMqtt5Client.connect5("silent5", true).keepAlive(1)
                    .willFlag(true).willTopic("presence/silent5").willMessage(Hive5.bytes("timed out"))
                    .willQoS(MqttQoS.AT_LEAST_ONCE).build());
            long connected = System.nanoTime();
            List<MqttMessage> before = raw.awaitClose(4_000);
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
            assertTrue(after >= 1_000, "not before the keep-alive: closed after " + after + " ms");
            assertFalse(before.isEmpty(), "DISCONNECT before closing");
            MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType());
            assertEquals(0x8D, RawMqtt5Client.disconnectReason(last));
        }
        assertEquals("timed out", Hive5.text(Hive5.next(wills)), "a keep-alive timeout is not a normal disconnect");
    }

    /** A client that sends PINGREQ within its keep-alive stays connected and gets PINGRESP each time. */
    @Test
    void aClientThatPingsStaysConnected() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            raw.connect(RawMqtt5Client.connect5("pinger", true).keepAlive(1).build());
            for (int i = 0; i < 6; i++) { // 6 x 400 ms = 2.4 s, well past 1.5 x keep-alive
                TimeUnit.MILLISECONDS.sleep(400);
                raw.send(MqttMessage.PINGREQ);
                raw.expect(MqttMessageType.PINGRESP, 2_000);
            }
        }
    }

    /** [MQTT-3.2.2-21]: the client must use the Server Keep Alive, and the server enforces it. */
    @Test
    void theServerKeepAliveIsEnforced() throws Exception {
        start(TestConfig.defaults().maxKeepAlive(1).build());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            MqttConnAckMessage ack = raw.connect(RawMqtt5Client.connect5("lazy", true).keepAlive(60).build());
            assertEquals(1, ack.variableHeader().properties()
                    .getProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value()).value(), "Server Keep Alive");
            long connected = System.nanoTime();
            List<MqttMessage> before = raw.awaitClose(4_000);
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
            assertTrue(after >= 1_000, "closed after " + after + " ms");
            assertEquals(0x8D, RawMqtt5Client.disconnectReason(before.get(before.size() - 1)));
        }
    }

    /** Keep-alive 0 turns the mechanism off (without a server maximum). */
    @Test
    void keepAliveZeroIsNeverTimedOut() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client raw = RawMqtt5Client.open(broker.port())) {
            raw.connect(RawMqtt5Client.connect5("forever", true).keepAlive(0).build());
            assertFalse(raw.isClosedWithin(2_000), "still open after 2 s of silence");
            raw.send(MqttMessage.PINGREQ);
            raw.expect(MqttMessageType.PINGRESP, 2_000);
        }
    }
}
