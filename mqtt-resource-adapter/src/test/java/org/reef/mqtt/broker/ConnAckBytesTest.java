package org.reef.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * MQTT 5.0 section 3.2.2.3: a property whose value is what the client asked for, or the protocol default, is left out
 * of CONNACK (Session Expiry Interval equal to the request; Retain Available, Wildcard, Subscription Identifier and
 * Shared Subscription Available 1). Compared byte for byte, as conformance suites built on other brokers do. Also:
 * a SUBSCRIBE is in effect once its SUBACK is sent, so a PUBLISH from another connection right after it arrives.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnAckBytesTest extends BrokerTestBase {

    /** CONNECT, MQTT 5, clean start, keep-alive 60, the given properties, client id "exact". */
    private static byte[] connect(byte[] properties) {
        byte[] id = "exact".getBytes(StandardCharsets.UTF_8);
        int remaining = 10 + 1 + properties.length + 2 + id.length;
        byte[] packet = new byte[2 + remaining];
        int i = 0;
        packet[i++] = 0x10;
        packet[i++] = (byte) remaining;
        for (byte b : new byte[]{0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60}) {
            packet[i++] = b;
        }
        packet[i++] = (byte) properties.length;
        System.arraycopy(properties, 0, packet, i, properties.length);
        i += properties.length;
        packet[i++] = 0;
        packet[i++] = (byte) id.length;
        System.arraycopy(id, 0, packet, i, id.length);
        return packet;
    }

    private String connAckHex(byte[] connect) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(connect);
            InputStream in = socket.getInputStream();
            int type = in.read();
            int length = in.read();
            byte[] rest = in.readNBytes(length);
            return HexFormat.of().formatHex(new byte[]{(byte) type, (byte) length}) + HexFormat.of().formatHex(rest);
        }
    }

    @Test
    void connAckCarriesOnlyWhatDiffersFromTheRequestOrTheDefault() throws Exception {
        start(BrokerConfig.forTests());
        // 20 0e: CONNACK, 14 bytes; 00 00: no session, success; 0b: 11 bytes of properties:
        // 21 0040 Receive Maximum 64, 22 0010 Topic Alias Maximum 16, 27 00040000 Maximum Packet Size 262144.
        assertEquals("200e00000b" + "210040" + "220010" + "2700040000", connAckHex(connect(new byte[0])));
    }

    @Test
    void theGrantedSessionExpiryIsSentOnlyWhenItDiffersFromTheRequest() throws Exception {
        start(TestConfig.defaults().maxSessionExpiry(3600).build());
        byte[] asked3600 = {0x11, 0, 0, 0x0e, 0x10};
        assertEquals("200e00000b" + "210040" + "220010" + "2700040000", connAckHex(connect(asked3600)),
                "granted as asked: left out");
        byte[] askedNever = {0x11, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        // Netty writes the properties in the order of its property map: 21, 22, 11, 27.
        assertEquals("2013000010" + "210040" + "220010" + "1100000e10" + "2700040000", connAckHex(connect(askedNever)),
                "capped to 3600: sent");
    }

    /** Eclipse Paho's MQTT 5 client fails a publish whose PUBACK carries a code outside this list. */
    @Test
    void aPublishToADollarTopicGetsAPubAckCodePahoAccepts() throws Exception {
        start(BrokerConfig.forTests());
        java.util.Set<Integer> pahoAccepts = java.util.Set.of(0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
        try (RawMqtt5Client client = RawMqtt5Client.connected5(broker.port(), "dollar")) {
            int packetId = 1;
            for (String topic : java.util.List.of("$SYS/broker/x", "$share/g/t", "$internal")) {
                client.send(RawMqtt5Client.publish(topic, 1, packetId++, new byte[]{1}, MqttProperties.NO_PROPERTIES));
                MqttMessage reply = client.expect(5_000);
                assertEquals(MqttMessageType.PUBACK, reply.fixedHeader().messageType(), topic + ": " +
                        RawMqtt5Client.describe(reply));
                int reason = RawMqtt5Client.pubReplyReason(reply);
                org.junit.jupiter.api.Assertions.assertTrue(pahoAccepts.contains(reason),
                        topic + ": 0x" + Integer.toHexString(reason));
            }
        }
    }

    @Test
    void aSubscriptionIsInEffectWhenItsSubAckIsSent() throws Exception {
        start(BrokerConfig.forTests());
        try (RawMqtt5Client publisher = RawMqtt5Client.connected5(broker.port(), "quick-pub")) {
            for (int round = 0; round < 50; round++) {
                try (RawMqtt5Client subscriber = RawMqtt5Client.connected5(broker.port(), "quick-sub")) {
                    String topic = "race/" + round;
                    subscriber.send(MqttMessageBuilders.subscribe().messageId(1)
                            .addSubscription(MqttQoS.AT_MOST_ONCE, topic).build());
                    subscriber.expect(MqttMessageType.SUBACK, 5_000);
                    publisher.send(RawMqtt5Client.publish(topic, 0, 0, new byte[]{1}, MqttProperties.NO_PROPERTIES));
                    MqttMessage delivered = subscriber.expect(MqttMessageType.PUBLISH, 5_000);
                    assertNotNull(delivered, "round " + round);
                }
            }
        }
    }
}
