package org.reef.mqtt.outbound;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.adapter.MqttResourceAdapter;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.broker.Authenticator;
import org.reef.mqtt.testing.FakeBootstrapContext;
import org.reef.mqtt.transport.Listener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MqttConnection#disconnect(String, String)}: closes a client's connection only when its session runs as the
 * given user, so an application acting on a stale record of who uses a client id never closes someone else's.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MqttConnectionDisconnectUserTest {

    private final FakeBootstrapContext context = new FakeBootstrapContext();
    private final MqttResourceAdapter adapter = new MqttResourceAdapter();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private MqttConnection connection;

    @BeforeEach
    void start() throws Exception {
        adapter.setPort(0);
        adapter.setTlsPort(-1);
        adapter.setWsPort(-1);
        adapter.setWssPort(-1);
        adapter.setAllowAnonymous(true);
        adapter.setIoThreads(2);
        adapter.start(context);
        // every user name is accepted as is: who the session runs as is what this test is about
        adapter.requireStarted().authenticator(request -> CompletableFuture.completedFuture(
                request.username() == null ? Authenticator.AuthResult.accept(null)
                        : Authenticator.AuthResult.accept(request.username())));
        MqttManagedConnectionFactory factory = new MqttManagedConnectionFactory();
        factory.setResourceAdapter(adapter);
        connection = (MqttConnection) factory.createManagedConnection(null, null).getConnection(null, null);
    }

    @AfterEach
    void stop() throws Exception {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.toAsync().disconnect().get(2, TimeUnit.SECONDS);
            }
        }
        adapter.stop();
        context.close();
    }

    @Test
    void closesTheConnectionOnlyForTheUserItRunsAs() throws Exception {
        Mqtt5BlockingClient phone = connect("bob-phone", "bob");
        Mqtt5BlockingClient anonymous = connect("sensor", null);

        assertFalse(connection.disconnect("bob-phone", "mallory"), "another user's session is left alone");
        assertFalse(connection.disconnect("sensor", "mallory"), "so is an anonymous one");
        assertFalse(connection.disconnect("nobody", "bob"));
        assertTrue(phone.getState().isConnected());
        assertTrue(anonymous.getState().isConnected());

        assertTrue(connection.disconnect("bob-phone", "bob"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (phone.getState().isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(phone.getState().isConnected(), "the user's own session is closed");
        assertThrows(ResourceException.class, () -> connection.disconnect("bob-phone", null));
    }

    private Mqtt5BlockingClient connect(String clientId, String username) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(adapter.port(Listener.TCP)).buildBlocking();
        if (username == null) {
            client.connectWith().cleanStart(true).send();
        } else {
            client.connectWith().cleanStart(true).simpleAuth().username(username)
                    .password("x".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send();
        }
        clients.add(client);
        return client;
    }
}
