package org.reef.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reef.mqtt.adapter.MqttResourceAdapter;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.inflow.MqttActivationSpec;
import org.reef.mqtt.testing.FakeBootstrapContext;
import org.reef.mqtt.testing.FakeEndpointFactory;
import org.reef.mqtt.transport.Listener;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter's shutdown as WildFly drives it on undeploy: {@code endpointDeactivation} of each MDB, then
 * {@code stop()}. A delivery inside the endpoint when its deactivation begins is waited for and acknowledged once it
 * committed; messages not yet delivered are not acknowledged (MQTT 5: PUBACK 0x80); then listeners close, MQTT 5
 * clients get DISCONNECT 0x8B (MQTT 5.0 section 3.14.2.1) and MQTT 3.1.1 clients are closed; all within the
 * configured shutdown timeout.
 */
class GracefulShutdownTest {

    private static final byte[] SLOW = "slow".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FAST = "fast".getBytes(StandardCharsets.UTF_8);

    private final FakeBootstrapContext context = new FakeBootstrapContext();
    private final MqttResourceAdapter adapter = new MqttResourceAdapter();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final FakeEndpointFactory endpoint = new FakeEndpointFactory(message -> {
        if (new String(message.payload(), StandardCharsets.UTF_8).equals("slow")) {
            slowStarted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return MqttAck.ACCEPTED;
    });
    private final MqttActivationSpec spec = new MqttActivationSpec();

    GracefulShutdownTest() {
        adapter.setPort(0);
        adapter.setTlsPort(-1);
        adapter.setWsPort(-1);
        adapter.setWssPort(-1);
        adapter.setAllowAnonymous(true);
        adapter.setIoThreads(1);
        spec.setTopicFilter("in/#");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        release.countDown();
        adapter.stop();
        context.close();
    }

    @Test
    void aDeliveryInProgressCommitsAndIsAcknowledgedTheRestIsRefusedThenClientsAreToldAndClosed() throws Exception {
        adapter.setShutdownTimeout(30);
        adapter.start(context);
        adapter.endpointActivation(endpoint, spec);
        int port = adapter.port(Listener.TCP);
        RawMqtt5Client v5 = RawMqtt5Client.connected5(port, "v5-sender");
        RawMqtt5Client v311 = connected311(port, "v311-reader");

        v5.send(RawMqtt5Client.publish("in/a", 1, 1, SLOW, MqttProperties.NO_PROPERTIES));
        v5.send(RawMqtt5Client.publish("in/a", 1, 2, FAST, MqttProperties.NO_PROPERTIES));
        assertTrue(slowStarted.await(10, TimeUnit.SECONDS), "the first message is inside the endpoint");

        AtomicBoolean deactivated = new AtomicBoolean();
        Thread undeploy = new Thread(() -> {
            adapter.endpointDeactivation(endpoint, spec);
            deactivated.set(true);
        });
        undeploy.start();
        assertNull(v5.next(300), "nothing is answered while the first delivery is still with the application");
        assertFalse(deactivated.get(), "deactivation waits for the delivery inside the endpoint");

        release.countDown();
        undeploy.join(10_000);
        assertTrue(deactivated.get());
        MqttMessage first = v5.expect(MqttMessageType.PUBACK, 5_000);
        assertEquals(1, RawMqtt5Client.packetId(first));
        assertEquals(0x00, RawMqtt5Client.pubReplyReason(first), "committed, so acknowledged");
        MqttMessage second = v5.expect(MqttMessageType.PUBACK, 5_000);
        assertEquals(2, RawMqtt5Client.packetId(second));
        assertEquals(0x80, RawMqtt5Client.pubReplyReason(second), "never delivered: not acknowledged");
        assertEquals(1, endpoint.received().size(), "the second message never reached the endpoint");

        long started = System.nanoTime();
        adapter.stop();
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "within the shutdown timeout");

        List<MqttMessage> beforeClose = v5.awaitClose(5_000);
        assertEquals(1, beforeClose.size(), beforeClose.toString());
        assertEquals(MqttMessageType.DISCONNECT, beforeClose.get(0).fixedHeader().messageType());
        assertEquals(0x8B, RawMqtt5Client.disconnectReason(beforeClose.get(0)), "server shutting down");
        assertEquals(List.of(), v311.awaitClose(5_000), "MQTT 3.1.1 has no server DISCONNECT: just closed");
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            }
        }, "the listener is closed");
        v5.close();
        v311.close();
    }

    @Test
    void aDeliveryThatOutlastsTheTimeoutIsNeverAcknowledgedAndTheStopKeepsItsBound() throws Exception {
        adapter.setShutdownTimeout(2);
        adapter.start(context);
        adapter.endpointActivation(endpoint, spec);
        RawMqtt5Client v5 = RawMqtt5Client.connected5(adapter.port(Listener.TCP), "stuck-sender");
        v5.send(RawMqtt5Client.publish("in/a", 1, 1, SLOW, MqttProperties.NO_PROPERTIES));
        assertTrue(slowStarted.await(10, TimeUnit.SECONDS));

        long started = System.nanoTime();
        adapter.endpointDeactivation(endpoint, spec);
        adapter.stop();
        long took = System.nanoTime() - started;
        assertTrue(took < TimeUnit.SECONDS.toNanos(2) + TimeUnit.MILLISECONDS.toNanos(1500),
                "the whole shutdown keeps the 2 s bound (plus the closing of threads): " + took / 1_000_000 + " ms");

        List<MqttMessage> beforeClose = v5.awaitClose(5_000);
        assertEquals(1, beforeClose.size(), "no PUBACK for the message still with the application: " + beforeClose);
        assertEquals(0x8B, RawMqtt5Client.disconnectReason(beforeClose.get(0)));
        v5.close();
    }

    @Test
    void aShutdownTimeoutBelowOneSecondFailsTheStart() {
        adapter.setShutdownTimeout(0);
        Exception refused = assertThrows(jakarta.resource.spi.ResourceAdapterInternalException.class,
                () -> adapter.start(context));
        assertTrue(refused.getMessage().contains("shutdownTimeout"), refused.getMessage());
    }

    private static RawMqtt5Client connected311(int port, String clientId) throws IOException {
        RawMqtt5Client client = RawMqtt5Client.open(port);
        MqttMessage ack = client.connect(io.netty.handler.codec.mqtt.MqttMessageBuilders.connect().clientId(clientId)
                .protocolVersion(io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1).cleanSession(true)
                .keepAlive(60).build());
        assertEquals(MqttMessageType.CONNACK, ack.fixedHeader().messageType());
        return client;
    }
}
