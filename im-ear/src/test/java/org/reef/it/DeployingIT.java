package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/deploying.md, step by step, on a WildFly nobody prepared: the distribution zip unpacked afresh, the PostgreSQL
 * module and {@code configure-reef.cli} from {@code wildfly-config/target/reef-wildfly-setup.zip}, the script applied
 * online to a running stock {@code standalone-ha.xml} (the suite's other servers cover offline on
 * {@code standalone.xml}: {@link KillSoakIT} and every Arquillian test), MQTT over TLS with a keystore made by
 * {@code keytool}, the built EAR deployed with {@code jboss-cli.sh}. Then the upgrade ({@code deploy --force}) and
 * an undeploy and deploy keep what was sent, and {@code restore-reef.cli} gives back the stock profile.
 */
class DeployingIT {

    private static final Logger LOG = Logger.getLogger(DeployingIT.class.getName());
    private static final String KEYSTORE_PASSWORD = "keystore secret for tests";

    @Test
    void aStockWildFlyConfiguredOnlineRunsReefKeepsMessagesAcrossUpgradeAndRedeployAndIsRestored() throws Exception {
        Path work = Path.of(System.getProperty("reef.test.work.dir"), "deploying-it");
        Path ear = Path.of(System.getProperty("reef.test.ear"));
        try (StandaloneWildFly server = StandaloneWildFly.unpack(
                Path.of(System.getProperty("reef.test.wildfly.dist")), work)) {
            // Install the PostgreSQL module, keep the CLI scripts at hand.
            Path setup = server.installSetup(Path.of(System.getProperty("reef.test.setup.zip")));
            // TLS for MQTT with a keystore of its own (an operator would convert their certificate with openssl).
            Path keystore = work.resolve("mqtt.p12");
            keytool("-genkeypair", "-alias", "reef", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD);
            int mqttTlsPort = StandaloneWildFly.freePort();
            server.env("REEF_DB_URL", ScratchDatabase.create("reef_deploying"))
                    .env("REEF_DB_USER", ScratchDatabase.USER)
                    .env("REEF_DB_PASSWORD", ScratchDatabase.PASSWORD)
                    .env("REEF_MQTT_PORT", String.valueOf(StandaloneWildFly.freePort()))
                    .env("REEF_MQTT_WS_PORT", String.valueOf(StandaloneWildFly.freePort()))
                    .env("REEF_MQTT_TLS_PORT", String.valueOf(mqttTlsPort))
                    .env("REEF_MQTT_WSS_PORT", String.valueOf(StandaloneWildFly.freePort()))
                    .env("REEF_MQTT_TLS_KEYSTORE", keystore.toString())
                    .env("REEF_MQTT_TLS_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);

            // Configure online: start the stock profile, apply the script as one batch, restart.
            server.start("standalone-ha.xml");
            server.configureOnline(setup.resolve("configure-reef.cli"));

            // Deploy.
            server.cli("deploy " + ear);
            ReefAt reef = new ReefAt(server.httpPort(), 0);
            reef.awaitHealthy(120);

            String alice = reef.register("alice");
            String bob = reef.register("bob");
            String aliceToken = reef.token(alice);
            String bobToken = reef.token(bob);
            String conversation = "dm:" + (alice.compareTo(bob) < 0 ? alice + ":" + bob : bob + ":" + alice);
            sendOverTls(mqttTlsPort, keystore, alice, aliceToken, bob);

            // Upgrade: the new EAR replaces the running one.
            server.cli("deploy --force " + ear);
            reef.awaitHealthy(120);
            HttpResponse<String> sent = reef.post("/conversations/" + conversation + "/messages",
                    Json.createObjectBuilder().add("kind", "text").add("body", "after the upgrade")
                            .add("clientMsgId", "after-upgrade").build(), aliceToken);
            assertEquals(201, sent.statusCode(), sent.body());

            // Undeploy and deploy again.
            server.cli("undeploy im-ear.ear");
            server.cli("deploy " + ear);
            reef.awaitHealthy(120);

            List<JsonObject> history = reef.history(conversation, bobToken);
            assertEquals(List.of("over TLS before the upgrade", "after the upgrade"),
                    history.stream().map(m -> m.getString("body")).toList(), history.toString());
            assertEquals(List.of(1L, 2L), history.stream().map(m -> m.getJsonNumber("seq").longValue()).toList());

            // Undo: undeploy, stop, restore-reef.cli offline: the stock profile again.
            server.cli("undeploy im-ear.ear");
            server.stop();
            server.configureOffline("standalone-ha.xml", setup.resolve("restore-reef.cli"));
            String configuration = "standalone/configuration/standalone-ha.xml";
            assertEquals(server.stockFile(configuration), server.file(configuration),
                    "restore-reef.cli gives back the stock standalone-ha.xml");
        }
    }

    /** Alice's MQTT 3.1.1 client over TLS, checking the server's certificate and host name; waits for the PUBACK. */
    private static void sendOverTls(int port, Path keystore, String alice, String token, String bob) throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            server.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        Certificate certificate = server.getCertificate("reef");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("reef", certificate);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);

        MqttClient client = new MqttClient("ssl://127.0.0.1:" + port, alice + "-laptop", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setUserName(alice);
        options.setPassword(token.toCharArray());
        options.setConnectionTimeout(15);
        client.setTimeToWait(15_000);
        try {
            client.connect(options);
            JsonObject message = Json.createObjectBuilder().add("to", "user:" + bob).add("kind", "text")
                    .add("body", "over TLS before the upgrade").add("clientMsgId", "before-upgrade").build();
            client.publish("im/send", message.toString().getBytes(StandardCharsets.UTF_8), 1, false);
            LOG.info("sent over MQTT/TLS and acknowledged");
            client.disconnect();
        } finally {
            client.close();
        }
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "keytool: " + output);
    }
}
