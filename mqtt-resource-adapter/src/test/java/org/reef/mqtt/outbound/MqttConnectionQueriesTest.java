package org.reef.mqtt.outbound;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.adapter.MqttResourceAdapter;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.testing.FakeBootstrapContext;
import org.reef.mqtt.transport.Listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MqttConnection#subscriberCount} and {@link MqttConnection#isSubscribed} through the outbound connection
 * handle of a started adapter, with real MQTT 5 clients subscribing.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MqttConnectionQueriesTest {

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
    void countsTheSessionsHoldingExactlyAFilter() throws Exception {
        assertEquals(0, connection.subscriberCount("chat/room/7"));
        subscribe("alice", "chat/room/7");
        subscribe("bob", "chat/room/7");
        subscribe("bob", "chat/room/7"); // again: still one session
        subscribe("carol", "chat/room/+");
        subscribe("dave", "$share/g/chat/room/7");

        assertEquals(2, connection.subscriberCount("chat/room/7"));
        assertEquals(1, connection.subscriberCount("chat/room/+"));
        assertEquals(1, connection.subscriberCount("$share/g/chat/room/7"));
        assertEquals(0, connection.subscriberCount("chat/room/8"));
        assertTrue(connection.isSubscribed("alice", "chat/room/7"));
        assertFalse(connection.isSubscribed("carol", "chat/room/7"), "a matching wildcard is another filter");
        assertFalse(connection.isSubscribed("nobody", "chat/room/7"));
        assertTrue(connection.isSubscribed("dave", "$share/g/chat/room/7"));

        clients.get(0).unsubscribeWith().topicFilter("chat/room/7").send();
        assertEquals(1, connection.subscriberCount("chat/room/7"));
        assertFalse(connection.isSubscribed("alice", "chat/room/7"));
    }

    @Test
    void anInvalidFilterOrAClosedHandleIsAnError() throws Exception {
        assertThrows(ResourceException.class, () -> connection.subscriberCount("chat/#/x"));
        assertThrows(ResourceException.class, () -> connection.isSubscribed("alice", ""));
        assertThrows(ResourceException.class, () -> connection.isSubscribed(null, "chat/room/7"));
        connection.close();
        assertThrows(ResourceException.class, () -> connection.subscriberCount("chat/room/7"));
    }

    private void subscribe(String clientId, String filter) {
        Mqtt5BlockingClient client = clients.stream().filter(c -> c.getConfig().getClientIdentifier()
                .map(id -> id.toString().equals(clientId)).orElse(false)).findFirst().orElse(null);
        if (client == null) {
            client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                    .serverHost("127.0.0.1").serverPort(adapter.port(Listener.TCP)).buildBlocking();
            client.connectWith().cleanStart(true).send();
            clients.add(client);
        }
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    }
}
