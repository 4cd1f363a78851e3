package org.reef.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.inflow.MqttActivation;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.testing.FakeEndpointFactory;
import org.reef.mqtt.testing.Paho;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inbound flow control with real clients over TCP, towards an application that takes messages slowly: an MQTT 3.1.1
 * publisher (Eclipse Paho) with more QoS 1 messages in flight than the server's window is paced and gets every
 * PUBACK (MQTT 3.1.1 has no Receive Maximum); an MQTT 5 client exceeding the Receive Maximum in its CONNACK gets
 * DISCONNECT 0x93 (MQTT 5.0 section 3.3.4 [MQTT-3.3.4-7]).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InboundPacingClientTest extends BrokerTestBase {

    /** Opened by the test: until then the application takes nothing, so the client's messages pile up. */
    private final CountDownLatch gate = new CountDownLatch(1);
    private final FakeEndpointFactory endpoint = new FakeEndpointFactory(message -> {
        try {
            if (!gate.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return MqttAck.ACCEPTED;
    });
    private MqttAsyncClient paho;

    @AfterEach
    void openGateAndDisconnect() throws Exception {
        gate.countDown();
        if (paho != null) {
            if (paho.isConnected()) {
                paho.disconnect().waitForCompletion(5_000);
            }
            paho.close();
        }
    }

    @Test
    void anMqtt311PublisherWithTwoHundredQos1MessagesInFlightIsPacedAndGetsEveryPuback() throws Exception {
        start(BrokerConfig.forTests());
        activate("load/#");
        int window = broker.broker().config().maxInflight();
        paho = new MqttAsyncClient(broker.uri(), "load-tool", new MemoryPersistence());
        paho.connect(Paho.options(true)).waitForCompletion(10_000);

        int count = 200;
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add(paho.publish("load/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false));
        }
        // The application is stuck: a full window of the client's messages waits for it, the rest are paced.
        assertTrue(Hive5.await(() -> broker.broker().metrics().publishedCount() >= window, 10_000),
                "a window's worth taken: " + broker.broker().metrics().publishedCount());
        gate.countDown();

        for (IMqttDeliveryToken token : tokens) {
            token.waitForCompletion(20_000);
            assertNull(token.getException(), "delivery of message " + token.getMessageId());
        }
        assertTrue(paho.isConnected(), "not disconnected");
        assertEquals(count, endpoint.received().size());
        for (int i = 0; i < count; i++) {
            assertEquals(Integer.toString(i),
                    new String(endpoint.received().get(i).payload(), StandardCharsets.UTF_8), "publish order");
        }
        assertEquals(0, broker.broker().metrics().protocolErrorCount());
    }

    @Test
    void anMqtt5ClientExceedingTheReceiveMaximumTowardsASlowApplicationIsDisconnectedWith0x93() throws Exception {
        start(TestConfig.defaults().maxInflight(4).build());
        activate("load/#");
        try (RawMqtt5Client raw = RawMqtt5Client.connected5(broker.port(), "greedy")) {
            for (int id = 1; id <= 5; id++) {
                raw.send(RawMqtt5Client.publish("load/t", 1, id, Hive5.bytes("g" + id), MqttProperties.NO_PROPERTIES));
            }
            List<MqttMessage> before = raw.awaitClose(15_000);
            MqttMessage last = before.get(before.size() - 1);
            assertEquals(MqttMessageType.DISCONNECT, last.fixedHeader().messageType());
            assertEquals(0x93, RawMqtt5Client.disconnectReason(last));
        }
    }

    private void activate(String filter) {
        MqttActivationSpec spec = new MqttActivationSpec();
        spec.setTopicFilter(filter);
        broker.broker().inflow().add(new MqttActivation(endpoint, spec));
    }
}
