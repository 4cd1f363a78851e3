package org.reef.mqtt.transport;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.reef.mqtt.broker.BrokerConfig;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.testing.FakeWorkManager;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.reef.mqtt.transport.ServerFixture.HOST;
import static org.reef.mqtt.transport.ServerFixture.WAIT_SECONDS;
import static org.reef.mqtt.transport.ServerFixture.assertNoNewReefThreads;
import static org.reef.mqtt.transport.ServerFixture.awaitTrue;
import static org.reef.mqtt.transport.ServerFixture.reefThreads;

/**
 * The TLS and secure WebSocket listeners with key material made for the test: message exchange, client certificates
 * required, and a keystore that cannot be opened.
 */
@Timeout(120)
class MqttServerTlsTest {

    @TempDir
    static Path keys;
    private static TestCertificates certificates;

    @BeforeAll
    static void makeKeys() throws Exception {
        certificates = TestCertificates.create(keys);
    }

    private static ListenerConfig secureListeners(TlsConfig.ClientAuth clientAuth) {
        return ListenerConfig.forTests()
                .withTls(certificates.serverTls(clientAuth))
                .withPort(Listener.TLS, 0)
                .withPort(Listener.WSS, 0);
    }

    @Test
    void exchangesAMessageOverTls() throws Exception {
        try (ServerFixture fixture = new ServerFixture(secureListeners(TlsConfig.ClientAuth.NONE))) {
            fixture.assertExchange(Listener.TLS, certificates.clientContext(null));
        }
    }

    @Test
    void exchangesAMessageOverSecureWebSocket() throws Exception {
        try (ServerFixture fixture = new ServerFixture(secureListeners(TlsConfig.ClientAuth.NONE))) {
            fixture.assertExchange(Listener.WSS, certificates.clientContext(null));
        }
    }

    /** A different client: HiveMQ's, speaking MQTT 5 over WSS, receives what Paho publishes over TLS. */
    @Test
    void hiveMqClientReceivesOverSecureWebSocket() throws Exception {
        try (ServerFixture fixture = new ServerFixture(secureListeners(TlsConfig.ClientAuth.NONE))) {
            Mqtt5AsyncClient subscriber = Mqtt5Client.builder()
                    .identifier("hivemq-" + UUID.randomUUID().toString().substring(0, 8))
                    .serverHost(HOST)
                    .serverPort(fixture.server.port(Listener.WSS))
                    .sslConfig().trustManagerFactory(certificates.trustManagers()).applySslConfig()
                    .webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig()
                    .buildAsync();
            try {
                subscriber.connect().get(WAIT_SECONDS, TimeUnit.SECONDS);
                String topic = "reef/transport/wss/" + UUID.randomUUID();
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                subscriber.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(publish -> received.add(new String(publish.getPayloadAsBytes(),
                                StandardCharsets.UTF_8)))
                        .send().get(WAIT_SECONDS, TimeUnit.SECONDS);

                MqttClient publisher = fixture.connect(Listener.TLS, certificates.clientContext(null), null);
                publisher.publish(topic, "hello hivemq".getBytes(StandardCharsets.UTF_8), 1, false);

                assertEquals("hello hivemq", received.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            } finally {
                subscriber.disconnect().handle((ok, failure) -> null).get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void requiredClientCertificateRefusesClientsWithoutATrustedOne() throws Exception {
        try (ServerFixture fixture = new ServerFixture(secureListeners(TlsConfig.ClientAuth.REQUIRE))) {
            SSLContext anonymous = certificates.clientContext(null);
            SSLContext stranger = certificates.clientContext(certificates.strangerKeystore);

            assertThrows(MqttException.class, () -> fixture.connect(Listener.TLS, anonymous, null));
            assertThrows(MqttException.class, () -> fixture.connect(Listener.TLS, stranger, null));
            assertThrows(MqttException.class, () -> fixture.connect(Listener.WSS, anonymous, null));
            awaitTrue(() -> fixture.server.connectionCount() == 0,
                    () -> "refused connections still open: " + fixture.server.connectionCount());

            SSLContext trusted = certificates.clientContext(certificates.clientKeystore);
            fixture.assertExchange(Listener.TLS, trusted);
            fixture.assertExchange(Listener.WSS, trusted);
        }
    }

    @Test
    void optionalClientCertificateAcceptsClientsWithout() throws Exception {
        try (ServerFixture fixture = new ServerFixture(secureListeners(TlsConfig.ClientAuth.OPTIONAL))) {
            fixture.assertExchange(Listener.TLS, certificates.clientContext(null));
            fixture.assertExchange(Listener.TLS, certificates.clientContext(certificates.clientKeystore));
        }
    }

    @Test
    void wrongKeystorePasswordFailsTheStartWithoutShowingIt() throws Exception {
        Set<String> threadsBefore = reefThreads();
        String wrong = "not-the-password-42";
        TlsConfig tls = new TlsConfig(certificates.serverKeystore, wrong, null, null, null, null);
        try (FakeWorkManager workManager = new FakeWorkManager()) {
            MqttServer server = new MqttServer(new MqttBroker(BrokerConfig.forTests(), workManager),
                    ListenerConfig.forTests().withTls(tls).withPort(Listener.TLS, 0));

            IllegalStateException failure = assertThrows(IllegalStateException.class, server::start);

            assertTrue(failure.getMessage().contains(certificates.serverKeystore.toString()), failure.getMessage());
            assertFalse(failure.getMessage().contains(wrong), failure.getMessage());
            assertEquals(-1, server.port(Listener.TCP));
            assertNoNewReefThreads(threadsBefore);
        }
    }

    @Test
    void missingKeystoreFailsTheStart() throws Exception {
        TlsConfig tls = new TlsConfig(keys.resolve("absent.p12"), TestCertificates.PASSWORD, "PKCS12", null, null,
                null);
        try (FakeWorkManager workManager = new FakeWorkManager()) {
            MqttServer server = new MqttServer(new MqttBroker(BrokerConfig.forTests(), workManager),
                    ListenerConfig.forTests().withTls(tls).withPort(Listener.WSS, 0));

            IllegalStateException failure = assertThrows(IllegalStateException.class, server::start);

            assertTrue(failure.getMessage().contains("absent.p12"), failure.getMessage());
        }
    }
}
