package org.reef.it;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IM protocol under attack over MQTT, as a user with a standard MQTT client (Eclipse Paho) meets it, next to the
 * HTTP API: password guessing on CONNECT, other users' client ids, floods. Tests that may get their source address
 * throttled connect from their own loopback address ({@link FromAddress}).
 *
 * <p>The test server runs with REEF_LOGIN_FAILURES_PER_ACCOUNT=5 and REEF_LOGIN_FAILURES_PER_ADDRESS=20
 * (im-ear/pom.xml).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ImAdversarialIT {

    private final ImUsers users = new ImUsers();
    private final List<MqttClient> clients = new ArrayList<>();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void close() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
                client.close();
            } catch (MqttException e) {
                // already gone
            }
        }
        users.close();
    }

    @Test
    void passwordGuessingOverMqttLocksTheAccountsPasswordButNotItsTokens() throws Exception {
        String victim = users.register("victim");
        String token = users.token(victim);
        FromAddress attacker = new FromAddress("127.0.0.21");
        for (int i = 0; i < RestAdversarialIT.FAILURES_PER_ACCOUNT; i++) {
            int guess = i;
            MqttException refused = assertThrows(MqttException.class,
                    () -> connect(attacker, victim + "-guess" + guess, victim, "guess number " + guess));
            assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode());
        }
        MqttException locked = assertThrows(MqttException.class,
                () -> connect(attacker, victim + "-right", victim, ImUsers.PASSWORD));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, locked.getReasonCode(),
                "while locked, even the right password is refused as bad credentials (no hash is computed)");

        FromAddress.Answer rest = new FromAddress("127.0.0.22").post("/tokens",
                RestAdversarialIT.credentials(victim, ImUsers.PASSWORD));
        assertEquals(429, rest.status(), "the HTTP login says why: " + rest.body());

        MqttClient phone = connect(new FromAddress("127.0.0.23"), victim + "-phone", victim, token);
        assertTrue(phone.isConnected(), "a token still logs in: locking the password locks no device out");
    }

    private MqttClient connect(FromAddress from, String clientId, String username, String password)
            throws MqttException {
        MqttClient client = from.mqttClient(clientId);
        clients.add(client);
        client.connect(from.options(username, password));
        return client;
    }
}
