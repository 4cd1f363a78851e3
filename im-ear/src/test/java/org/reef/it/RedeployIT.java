package org.reef.it;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undeploying the EAR stops the resource adapter cleanly: the MQTT port is released, the adapter's threads end, and
 * (with Netty's leak detector at paranoid level in the server) no buffer leaked; deploying again binds the port again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RedeployIT {

    private static final String EAR = "reef";

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @Deployment(name = EAR, managed = false, testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @Test
    void undeployReleasesPortAndThreadsAndRedeployBindsAgain() throws Exception {
        long logStart = serverLogLength();

        deployer.deploy(EAR);
        roundTrip();
        assertTrue(adapterThreads() > 0, "the adapter's Netty threads run while deployed");

        deployer.undeploy(EAR);
        assertThrows(ConnectException.class, RedeployIT::openMqttSocket, "nothing listens after undeploy");
        try (ServerSocket rebind = new ServerSocket()) {
            rebind.bind(new InetSocketAddress("127.0.0.1", Reef.mqttPort()));
        }
        assertEquals(0, awaitNoAdapterThreads(), "adapter threads left after undeploy");

        gcServer();
        deployer.deploy(EAR);
        try {
            roundTrip();
        } finally {
            deployer.undeploy(EAR);
        }
        String log = serverLogSince(logStart);
        assertFalse(log.contains("LEAK:"), "Netty reported a buffer leak:\n" + log);
    }

    /** A subscriber receives what a publisher sends on a plain topic: the listener is up. */
    private static void roundTrip() throws Exception {
        String topic = "redeploy/" + UUID.randomUUID();
        CountDownLatch received = new CountDownLatch(1);
        MqttClient subscriber = Reef.mqttClient("sub-" + UUID.randomUUID());
        MqttClient publisher = Reef.mqttClient("pub-" + UUID.randomUUID());
        try {
            subscriber.subscribe(topic, 1, (t, m) -> received.countDown());
            publisher.publish(topic, "ping".getBytes(StandardCharsets.UTF_8), 1, false);
            assertTrue(received.await(15, TimeUnit.SECONDS), "message not delivered");
        } finally {
            publisher.disconnect();
            publisher.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private static void openMqttSocket() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", Reef.mqttPort()), 2000);
        }
    }

    private int awaitNoAdapterThreads() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int threads = adapterThreads();
        while (threads > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            threads = adapterThreads();
        }
        return threads;
    }

    /** Threads of the server JVM named like the adapter's Netty threads, read through the management API. */
    private int adapterThreads() throws IOException {
        ModelNode op = new ModelNode();
        op.get("operation").set("dump-all-threads");
        op.get("address").add("core-service", "platform-mbean").add("type", "threading");
        op.get("locked-monitors").set(false);
        op.get("locked-synchronizers").set(false);
        ModelNode result = management.getControllerClient().execute(op);
        assertEquals("success", result.get("outcome").asString(), result.toString());
        int count = 0;
        for (ModelNode thread : result.get("result").asList()) {
            if (thread.get("thread-name").asString().startsWith("reef-mqtt")) {
                count++;
            }
        }
        return count;
    }

    private void gcServer() throws IOException {
        ModelNode op = new ModelNode();
        op.get("operation").set("gc");
        op.get("address").add("core-service", "platform-mbean").add("type", "memory");
        management.getControllerClient().execute(op);
    }

    private static Path serverLog() {
        return Path.of(System.getProperty("reef.test.server.home"), "standalone", "log", "server.log");
    }

    private static long serverLogLength() throws IOException {
        return Files.exists(serverLog()) ? Files.size(serverLog()) : 0;
    }

    private static String serverLogSince(long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(serverLog().toFile(), "r")) {
            long length = file.length();
            long start = offset <= length ? offset : 0;
            byte[] bytes = new byte[(int) (length - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
