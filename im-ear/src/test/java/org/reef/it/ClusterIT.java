package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A two-node cluster as {@code mvn -Prun -Dreef.nodes=2} starts one (issue 12): two WildFly processes of the
 * provisioned server ({@code reef-ha.xml}, {@code REEF_NODE_ID}, {@code REEF_PORT_OFFSET}, a base dir each) on one
 * PostgreSQL database and loopback, found by each other through that database (JGroups' JDBC_PING). Clients on
 * different nodes reach each other live: 1:1 and group messages, rooms, plain MQTT in publisher order, retained
 * messages; a client id that connects on the other node
 * takes its session over; disabling a user closes its devices on every node. A node killed with SIGKILL leaves the
 * survivor's view within 10 s, its devices move to the survivor and get their backlog, and it rejoins when started
 * again, the survivor untouched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Logger LOG = Logger.getLogger(ClusterIT.class.getName());
    /** The issue's bound for the survivors to notice a node's loss. */
    private static final long LOSS_NOTICED_SECONDS = 10;
    private static final long VIEW_SECONDS = 60;
    private static final String ADMIN = "cluster-admin";
    private static final String ADMIN_PASSWORD = "cluster admin password";

    private final long begin = System.nanoTime();
    private StandaloneWildFly one;
    private StandaloneWildFly two;
    private ReefAt reefOne;
    private ReefAt reefTwo;
    private ImUsers onOne;
    private ImUsers onTwo;

    @BeforeAll
    void startTwoNodes() throws Exception {
        Path home = Path.of(System.getProperty("reef.test.server.home"));
        Path ear = Path.of(System.getProperty("reef.test.ear"));
        Path work = Path.of(System.getProperty("reef.test.work.dir"), "cluster-it");
        String database = ScratchDatabase.create("reef_cluster");
        one = StandaloneWildFly.node(home, work.resolve("reef-1"), "reef-1", ear);
        two = StandaloneWildFly.node(home, work.resolve("reef-2"), "reef-2", ear);
        for (StandaloneWildFly node : List.of(one, two)) {
            node.env("REEF_DB_URL", database)
                    .env("REEF_DB_USER", ScratchDatabase.USER)
                    .env("REEF_DB_PASSWORD", ScratchDatabase.PASSWORD)
                    .env("REEF_DB_POOL_SIZE", "8")
                    .env("REEF_MQTT_WS_PORT", "-1")
                    .env("REEF_MQTT_ALLOW_ANONYMOUS", "true")
                    .env("REEF_SEND_RATE", "1")
                    .env("REEF_SEND_BURST", "30");
        }
        one.env("REEF_ADMIN_USERNAME", ADMIN).env("REEF_ADMIN_PASSWORD", ADMIN_PASSWORD);
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> start(two));
        start(one);
        starting.join();
        LOG.info(() -> "both nodes started in " + seconds(begin) + " s");
        awaitView(one, "reef-1", List.of("reef-1", "reef-2"), VIEW_SECONDS);
        awaitView(two, "reef-2", List.of("reef-1", "reef-2"), VIEW_SECONDS);
        assertMqttListens(one);
        assertMqttListens(two);
        LOG.info(() -> "one cluster of two after " + seconds(begin) + " s");
        reefOne = new ReefAt(one.httpPort(), one.mqttPort());
        reefTwo = new ReefAt(two.httpPort(), two.mqttPort());
        onOne = new ImUsers(reefOne.mqttUri());
        onTwo = new ImUsers(reefTwo.mqttUri());
    }

    @AfterAll
    void stopNodes() {
        for (AutoCloseable closeable : new AutoCloseable[]{onOne, onTwo, two, one}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                LOG.warning("closing: " + e);
            }
        }
        LOG.info(() -> "the cluster test took " + seconds(begin) + " s");
    }

    @Test
    @Order(1)
    void directAndGroupMessagesReachDevicesOnTheOtherNodeLive() throws Exception {
        String alice = reefOne.register("alice");
        String bob = reefTwo.register("bob");
        String carol = reefOne.register("carol");
        String aliceToken = reefOne.token(alice);
        String bobToken = reefTwo.token(bob);
        String carolToken = reefTwo.token(carol);
        ImUsers.Device aliceLaptop = onOne.device(alice, aliceToken, "laptop");
        ImUsers.Device bobPhone = onTwo.device(bob, bobToken, "phone");
        ImUsers.Device bobLaptop = onOne.device(bob, bobToken, "laptop");
        ImUsers.Device carolPhone = onTwo.device(carol, carolToken, "phone");

        // 1:1, sent on reef-1: bob's phone on reef-2 gets it live, as does his laptop on reef-1
        List<Long> crossNode = new ArrayList<>();
        List<Long> sameNode = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long sent = System.nanoTime();
            aliceLaptop.publish("im/send", send("user:" + bob, "hello " + i, "d-" + i));
            String body = "hello " + i;
            bobPhone.await(e -> "message".equals(e.getString("type", "")) && body.equals(e.getString("body", "")));
            crossNode.add(System.nanoTime() - sent);
            bobLaptop.await(e -> "message".equals(e.getString("type", "")) && body.equals(e.getString("body", "")));
            sameNode.add(System.nanoTime() - sent);
        }
        LOG.info(() -> "1:1 send on reef-1 to arrival, 20 messages one at a time: reef-2 median "
                + median(crossNode) + " ms, reef-1 median " + median(sameNode) + " ms");

        // the answer goes the other way, with its ack to bob's other device (a plain publish across nodes)
        bobPhone.publish("im/send", send("user:" + alice, "hi alice", "b-1"));
        JsonObject reply = aliceLaptop.await(e -> "message".equals(e.getString("type", ""))
                && "hi alice".equals(e.getString("body", "")));
        assertEquals(bob, reply.getString("from"));

        // a group whose members are spread over both nodes
        HttpResponse<String> created = reefOne.post("/groups", Json.createObjectBuilder().add("name", "spread")
                .add("members", Json.createArrayBuilder().add(bob).add(carol)).build(), aliceToken);
        assertEquals(201, created.statusCode(), created.body());
        String conversation = Reef.json(created.body()).getString("conversation");
        carolPhone.await(e -> conversation.equals(e.getString("conversation", "")));
        bobPhone.publish("im/send", send(conversation, "hello group", "g-1"));
        for (ImUsers.Device device : List.of(aliceLaptop, carolPhone, bobLaptop)) {
            JsonObject event = device.await(e -> "message".equals(e.getString("type", ""))
                    && "hello group".equals(e.getString("body", "")));
            assertEquals(conversation, event.getString("conversation"));
        }

        // what travelled is counted: reef_cluster_events_total on each node's management port
        for (StandaloneWildFly node : List.of(one, two)) {
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + node.managementPort() + "/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String direction : List.of("sent", "received")) {
                double events = metrics.lines().filter(l -> l.startsWith("reef_cluster_events_total{")
                        && l.contains("direction=\"" + direction + "\"")).mapToDouble(
                        l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                assertTrue(events > 0, "events " + direction + " on " + node.managementPort() + ": " + events);
            }
        }
    }

    @Test
    @Order(2)
    void aRoomRelaysToSubscribersOnBothNodes() throws Exception {
        String dan = reefOne.register("dan");
        String eve = reefTwo.register("eve");
        String danToken = reefOne.token(dan);
        String eveToken = reefTwo.token(eve);
        String fox = reefOne.register("fox");
        String foxToken = reefOne.token(fox);
        String room = "spread-" + System.nanoTime() % 100_000;
        HttpResponse<String> created = reefOne.post("/rooms", Json.createObjectBuilder().add("name", room)
                .add("maxMembers", 2).build(), danToken);
        assertEquals(201, created.statusCode(), created.body());
        try (Mqtt5Device danTab = new Mqtt5Device(reefOne.mqttUri(), dan, danToken, "tab");
             Mqtt5Device evePhone = new Mqtt5Device(reefTwo.mqttUri(), eve, eveToken, "phone")) {
            assertEquals(1, danTab.subscribe("im/rooms/" + room, 1));
            assertEquals(1, evePhone.subscribe("im/rooms/" + room, 1));
            // the limit of 2 counts both nodes: a third member is refused on either
            for (ImUsers users : List.of(onOne, onTwo)) {
                ImUsers.Device third = users.device(fox, foxToken, "v3-" + users.hashCode(), true, false);
                assertEquals(0x80, third.client.subscribeWithResponse("im/rooms/" + room, 1).getGrantedQos()[0],
                        "the room is full across the cluster");
                third.client.disconnect();
            }
            HttpResponse<String> info = reefTwo.get("/rooms/" + room, eveToken);
            assertEquals(200, info.statusCode(), info.body());
            assertEquals(2, Reef.json(info.body()).getInt("members"), "members counted on both nodes");

            assertEquals(0, Mqtt5Device.reason(evePhone.publish("im/send",
                    send("room:" + room, "hello room", "r-1"))));
            JsonObject event = awaitEvent(danTab, e -> "hello room".equals(e.getString("body", "")));
            assertEquals(eve, event.getString("from"));
        }
    }

    @Test
    @Order(3)
    void plainMqttOrderRetainedMessagesAndSharedGroupsSpanTheNodes() throws Exception {
        String run = Long.toString(System.nanoTime() % 1_000_000);
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        MqttClient subscriber = plainClient(reefTwo.mqttUri(), "sub-" + run);
        MqttClient publisher = plainClient(reefOne.mqttUri(), "pub-" + run);
        try {
            subscriber.subscribe("sensors/" + run + "/#", 1,
                    (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
            int count = 300;
            for (int i = 0; i < count; i++) {
                publisher.publish("sensors/" + run + "/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1,
                        false);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (received.size() < count && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, List.copyOf(received), "every QoS 1 message, once, in the publisher's order");

            publisher.publish("config/" + run, "v1".getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.publish("config/" + run, "v2".getBytes(StandardCharsets.UTF_8), 1, true);
            TimeUnit.MILLISECONDS.sleep(500);
            List<String> retained = Collections.synchronizedList(new ArrayList<>());
            MqttClient late = plainClient(reefTwo.mqttUri(), "late-" + run);
            try {
                late.subscribe("config/" + run, 1,
                        (topic, message) -> retained.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (retained.isEmpty() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                assertEquals(List.of("v2"), List.copyOf(retained), "reef-2 holds the message retained on reef-1");
            } finally {
                late.disconnect();
                late.close();
            }

            // a shared subscription with a member on each node: every message once, on either
            List<String> sharedOne = Collections.synchronizedList(new ArrayList<>());
            List<String> sharedTwo = Collections.synchronizedList(new ArrayList<>());
            MqttClient workerOne = plainClient(reefOne.mqttUri(), "w1-" + run);
            MqttClient workerTwo = plainClient(reefTwo.mqttUri(), "w2-" + run);
            try {
                String filter = "$share/workers/jobs/" + run;
                // Paho matches a per-subscription listener against the topic, which a $share filter never
                // matches: the messages go to the client's callback
                workerOne.setCallback(collector(sharedOne));
                workerTwo.setCallback(collector(sharedTwo));
                workerOne.subscribe(filter, 1);
                workerTwo.subscribe(filter, 1);
                TimeUnit.SECONDS.sleep(3); // the nodes report their groups' members about once a second
                for (int i = 0; i < 100; i++) {
                    publisher.publish("jobs/" + run, ("job " + i).getBytes(StandardCharsets.UTF_8), 1, false);
                }
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (sharedOne.size() + sharedTwo.size() < 100 && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                TimeUnit.MILLISECONDS.sleep(500); // and no more
                List<String> all = new ArrayList<>(sharedOne);
                all.addAll(sharedTwo);
                assertEquals(100, all.size(), "each job once: " + sharedOne.size() + " on reef-1, "
                        + sharedTwo.size() + " on reef-2");
                assertEquals(100, new java.util.HashSet<>(all).size(), "no job twice");
                assertTrue(!sharedOne.isEmpty() && !sharedTwo.isEmpty(), "both nodes' members take turns");
                LOG.info(() -> "shared subscription: " + sharedOne.size() + " jobs on reef-1, " + sharedTwo.size()
                        + " on reef-2");
            } finally {
                for (MqttClient worker : List.of(workerOne, workerTwo)) {
                    worker.disconnect();
                    worker.close();
                }
            }
        } finally {
            for (MqttClient client : List.of(subscriber, publisher)) {
                client.disconnect();
                client.close();
            }
        }
    }

    @Test
    @Order(4)
    void aClientIdConnectingOnTheOtherNodeTakesItsSessionOver() throws Exception {
        String fay = reefOne.register("fay");
        String token = reefOne.token(fay);
        try (Mqtt5Device first = new Mqtt5Device(reefOne.mqttUri(), fay, token, "tablet")) {
            assertTrue(first.client.isConnected());
            try (Mqtt5Device second = new Mqtt5Device(reefTwo.mqttUri(), fay, token, "tablet")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (first.client.isConnected() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                assertFalse(first.client.isConnected(), "reef-1 closed the older connection");
                assertEquals(0x8E, first.disconnectReason, "MQTT 5: DISCONNECT 0x8E, Session taken over");
                assertTrue(second.client.isConnected(), "the new connection on reef-2 stays");
                // and the session lives on reef-2 now: a message to fay reaches the new connection
                assertEquals(1, second.subscribe("im/inbox/" + fay, 1));
                String gus = reefOne.register("gus");
                try (Mqtt5Device gusPhone = new Mqtt5Device(reefOne.mqttUri(), gus, reefOne.token(gus), "p")) {
                    assertEquals(0, Mqtt5Device.reason(gusPhone.publish("im/send",
                            send("user:" + fay, "after the move", "t-1"))));
                }
                awaitEvent(second, e -> "after the move".equals(e.getString("body", "")));
            }
        }
    }

    @Test
    @Order(5)
    void disablingAUserClosesItsDevicesOnEveryNode() throws Exception {
        String hal = reefOne.register("hal");
        String token = reefOne.token(hal);
        ImUsers.Device onFirst = onOne.device(hal, token, "desk");
        ImUsers.Device onSecond = onTwo.device(hal, token, "phone");
        String ivy = reefOne.register("ivy");
        ImUsers.Device ivyDesk = onOne.device(ivy, reefOne.token(ivy), "desk");
        ivyDesk.publish("im/send", send("user:" + hal, "before", "dis-0")); // reef-1 now knows hal as enabled
        assertEquals("ack", ivyDesk.await(e -> "dis-0".equals(e.getString("clientMsgId", ""))).getString("type"));
        String adminToken = adminToken();
        HttpResponse<String> disabled = reefTwo.post("/admin/users/" + hal + "/disable",
                Json.createObjectBuilder().build(), adminToken);
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertEquals(2, Reef.json(disabled.body()).getInt("disconnected"), "both devices, one per node");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((onFirst.client.isConnected() || onSecond.client.isConnected()) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertFalse(onSecond.client.isConnected(), "closed on reef-2, where the request was made");
        assertFalse(onFirst.client.isConnected(), "closed on reef-1 too");
        // reef-1 heard of the disable from reef-2 (its send checks are cached): a message to hal is refused there
        ivyDesk.publish("im/send", send("user:" + hal, "after", "dis-1"));
        JsonObject verdict = ivyDesk.await(e -> "dis-1".equals(e.getString("clientMsgId", "")));
        assertEquals("error", verdict.getString("type"), verdict.toString());
        assertEquals("unknown_recipient", verdict.getString("code"));
    }

    @Test
    @Order(6)
    void aUserHasOneSendBudgetAcrossTheNodes() throws Exception {
        String kim = reefOne.register("kim");
        String lee = reefOne.register("lee");
        String token = reefOne.token(kim);
        ImUsers.Device onFirst = onOne.device(kim, token, "desk");
        ImUsers.Device onSecond = onTwo.device(kim, token, "phone");
        // the nodes run with REEF_SEND_RATE=1 and REEF_SEND_BURST=30: 20 from reef-1, then 20 from reef-2
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            String id = "rl1-" + i;
            onFirst.publish("im/send", send("user:" + lee, "one " + i, id));
            if ("ack".equals(onFirst.await(e -> e.getString("clientMsgId", "").equals(id)).getString("type"))) {
                accepted++;
            }
        }
        assertEquals(20, accepted, "within the burst on reef-1");
        TimeUnit.MILLISECONDS.sleep(300);
        long started = System.nanoTime();
        int acceptedOnSecond = 0;
        for (int i = 0; i < 20; i++) {
            String id = "rl2-" + i;
            onSecond.publish("im/send", send("user:" + lee, "two " + i, id));
            if ("ack".equals(onSecond.await(e -> e.getString("clientMsgId", "").equals(id)).getString("type"))) {
                acceptedOnSecond++;
            }
        }
        long refill = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 2; // 1 per second, and slack
        assertTrue(acceptedOnSecond <= 10 + refill, "reef-2 granted only what reef-1 left of the budget of 30: "
                + acceptedOnSecond);
        assertTrue(acceptedOnSecond >= 10, "the rest of the budget is there: " + acceptedOnSecond);
    }

    @Test
    @Order(7)
    void aRollingRestartUnderLoadLosesNothingAcknowledged() throws Exception {
        String receiver = reefOne.register("rcv");
        String receiverToken = reefOne.token(receiver);
        List<RollingSender> senders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = reefOne.register("roll");
            senders.add(new RollingSender(name, reefOne.token(name), receiver, i % 2 == 0 ? 1 : 0));
        }
        senders.forEach(Thread::start);
        TimeUnit.SECONDS.sleep(2);
        for (StandaloneWildFly node : List.of(two, one)) { // one by one, each back before the next goes
            long stopping = System.nanoTime();
            node.stop();
            node.start();
            awaitView(one, "reef-1", List.of("reef-1", "reef-2"), VIEW_SECONDS);
            awaitView(two, "reef-2", List.of("reef-1", "reef-2"), VIEW_SECONDS);
            LOG.info(() -> "restarted a node under load in " + seconds(stopping) + " s");
        }
        TimeUnit.SECONDS.sleep(2);
        for (RollingSender sender : senders) {
            sender.finish();
        }
        int acknowledged = 0;
        for (RollingSender sender : senders) {
            if (sender.acked.isEmpty()) {
                continue;
            }
            String conversation = sender.conversation;
            List<String> stored = reefOne.history(conversation, receiverToken).stream()
                    .map(m -> m.getString("clientMsgId", "")).toList();
            for (String id : sender.acked) {
                assertTrue(stored.contains(id), "acknowledged, so stored: " + id);
            }
            assertEquals(stored.size(), new java.util.HashSet<>(stored).size(), "nothing stored twice");
            acknowledged += sender.acked.size();
        }
        assertTrue(acknowledged >= 30, "the senders kept sending through the restarts: " + acknowledged);
        int total = acknowledged;
        LOG.info(() -> total + " sends acknowledged during the rolling restart, all stored; reconnects: "
                + senders.stream().mapToInt(sender -> sender.reconnects).sum());
    }

    /**
     * A user's device that sends to one receiver every 300 ms, and when its node goes away reconnects to the other one
     * (as through a load balancer) and goes on; records the clientMsgIds the server acknowledged.
     */
    private final class RollingSender extends Thread {
        final String username;
        final String token;
        final String receiver;
        final List<String> acked = Collections.synchronizedList(new ArrayList<>());
        volatile String conversation;
        volatile int reconnects;
        private volatile boolean running = true;
        private int node;

        RollingSender(String username, String token, String receiver, int node) {
            super("rolling-" + username);
            this.username = username;
            this.token = token;
            this.receiver = receiver;
            this.node = node;
            setDaemon(true);
        }

        @Override
        public void run() {
            ImUsers.Device device = null;
            int sent = 0;
            long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (running && System.nanoTime() < giveUp) {
                try {
                    if (device != null && !device.client.isConnected()) {
                        collect(device);
                        device = null;
                        node = 1 - node; // its node went away: the load balancer sends it to the other one
                        reconnects++;
                    }
                    if (device == null) {
                        device = (node == 0 ? onOne : onTwo).device(username, token, "roll");
                    }
                    device.publish("im/send", send("user:" + receiver, "roll " + sent, username + "-" + sent));
                    sent++;
                    collect(device);
                    TimeUnit.MILLISECONDS.sleep(300);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (device == null) {
                        node = 1 - node; // could not connect there: try the other node next
                    }
                    try {
                        TimeUnit.MILLISECONDS.sleep(500);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
            if (device != null) {
                collect(device);
            }
        }

        private void collect(ImUsers.Device device) {
            JsonObject event;
            while ((event = device.events.poll()) != null) {
                if ("ack".equals(event.getString("type", ""))) {
                    acked.add(event.getString("clientMsgId"));
                    conversation = event.getString("conversation");
                }
            }
        }

        void finish() throws InterruptedException {
            TimeUnit.SECONDS.sleep(1); // the last acks
            running = false;
            join(30_000);
        }
    }

    @Test
    @Order(8)
    void aKilledNodeIsNoticedItsDevicesMoveAndGetTheirBacklogAndItRejoins() throws Exception {
        String ivy = reefOne.register("ivy");
        String jon = reefTwo.register("jon");
        String ivyToken = reefOne.token(ivy);
        String jonToken = reefTwo.token(jon);
        ImUsers.Device ivyLaptop = onOne.device(ivy, ivyToken, "laptop");
        onTwo.device(jon, jonToken, "phone", false, true); // a persistent session on reef-2
        assertTrue(presence(jon, ivyToken).getBoolean("online"));

        // jon's tablet on reef-2 is sending to ivy when reef-2 is killed: whatever it got an ack for is stored
        ImUsers.Device jonTablet = onTwo.device(jon, jonToken, "tablet");
        Thread load = new Thread(() -> {
            try {
                for (int i = 0; i < 25; i++) {
                    jonTablet.publish("im/send", send("user:" + ivy, "under load " + i, "load-" + i));
                    TimeUnit.MILLISECONDS.sleep(40);
                }
            } catch (Exception e) {
                LOG.info(() -> "the load stopped with the node: " + e);
            }
        });
        load.start();
        TimeUnit.MILLISECONDS.sleep(400);
        two.kill();
        long killed = System.nanoTime();
        load.join(20_000);
        List<JsonObject> acks = jonTablet.drain(200).stream().filter(e -> "ack".equals(e.getString("type", "")))
                .toList();
        awaitView(one, "reef-1", List.of("reef-1"), LOSS_NOTICED_SECONDS);
        LOG.info(() -> "reef-1 noticed the kill of reef-2 in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed) + " ms");
        long deadline = killed + TimeUnit.SECONDS.toNanos(LOSS_NOTICED_SECONDS);
        while (presence(jon, ivyToken).getBoolean("online") && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertFalse(presence(jon, ivyToken).getBoolean("online"), "jon went offline with reef-2");
        LOG.info(() -> "jon offline on reef-1 " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)
                + " ms after the kill");
        assertFalse(acks.isEmpty(), "some sends were acknowledged before the kill");
        List<String> stored = reefOne.history(acks.get(0).getString("conversation"), ivyToken).stream()
                .map(m -> m.getString("clientMsgId", "")).toList();
        for (JsonObject ack : acks) {
            assertTrue(stored.contains(ack.getString("clientMsgId")), "acknowledged, so stored: " + ack);
        }
        LOG.info(() -> acks.size() + " sends acknowledged by reef-2 before its kill, all in the history on reef-1 ("
                + stored.size() + " stored)");

        for (int i = 0; i < 3; i++) {
            ivyLaptop.publish("im/send", send("user:" + jon, "while away " + i, "k-" + i));
            ivyLaptop.awaitType("ack");
        }
        // jon's phone comes back through the load balancer, to reef-1: everything is there
        ImUsers.Device jonPhone = onOne.device(jon, jonToken, "phone", false, true);
        for (int i = 0; i < 3; i++) {
            String body = "while away " + i;
            jonPhone.await(e -> body.equals(e.getString("body", "")));
        }

        // a message retained while reef-2 is away reaches it when it rejoins
        String run = Long.toString(System.nanoTime() % 1_000_000);
        MqttClient setter = plainClient(reefOne.mqttUri(), "set-" + run);
        setter.publish("status/" + run, "while away".getBytes(StandardCharsets.UTF_8), 1, true);
        setter.disconnect();
        setter.close();

        two.start();
        awaitView(two, "reef-2", List.of("reef-1", "reef-2"), VIEW_SECONDS);
        awaitView(one, "reef-1", List.of("reef-1", "reef-2"), VIEW_SECONDS);
        LOG.info(() -> "reef-2 rejoined after " + seconds(begin) + " s");
        long retainedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> retained = Collections.synchronizedList(new ArrayList<>());
        while (retained.isEmpty() && System.nanoTime() < retainedBy) {
            MqttClient reader = plainClient(reefTwo.mqttUri(), "get-" + run);
            reader.subscribe("status/" + run, 1, (t, m) -> retained.add(new String(m.getPayload(),
                    StandardCharsets.UTF_8)));
            TimeUnit.MILLISECONDS.sleep(500);
            reader.disconnect();
            reader.close();
        }
        assertEquals(List.of("while away"), List.copyOf(retained), "the rejoined node got the retained messages");
    }

    private static org.eclipse.paho.client.mqttv3.MqttCallback collector(List<String> into) {
        return new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                into.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        };
    }

    private static MqttClient plainClient(String uri, String clientId) throws MqttException {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setMaxInflight(1000);
        options.setConnectionTimeout(10);
        client.connect(options);
        return client;
    }

    private JsonObject presence(String username, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = reefOne.get("/presence?users=" + username, token);
        assertEquals(200, response.statusCode(), response.body());
        return Reef.json(response.body()).getJsonArray("items").getJsonObject(0);
    }

    private String adminToken() throws IOException, InterruptedException {
        HttpResponse<String> response = reefOne.post("/tokens", Json.createObjectBuilder().add("username", ADMIN)
                .add("password", ADMIN_PASSWORD).build(), null);
        assertEquals(201, response.statusCode(), response.body());
        return Reef.json(response.body()).getString("token");
    }

    private static JsonObject awaitEvent(Mqtt5Device device, java.util.function.Predicate<JsonObject> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            JsonObject event = device.events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && condition.test(event)) {
                return event;
            }
        }
        throw new AssertionError("no matching event within 15 s");
    }

    private static JsonObject send(String to, String body, String clientMsgId) {
        return Json.createObjectBuilder().add("to", to).add("kind", "text").add("body", body)
                .add("clientMsgId", clientMsgId).build();
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1_000_000.0;
    }

    private static void start(StandaloneWildFly node) {
        try {
            node.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the node answers {@code GET /api/v1/cluster} with its name and these members (in any order). */
    private static void awaitView(StandaloneWildFly node, String id, List<String> members, long seconds)
            throws InterruptedException {
        ReefAt reef = new ReefAt(node.httpPort(), node.mqttPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = reef.get("/cluster", null);
                if (response.statusCode() == 200) {
                    JsonObject view = Reef.json(response.body());
                    assertEquals(id, view.getString("node"), "the node reports its REEF_NODE_ID");
                    assertTrue(view.getBoolean("clustered"), "the node runs reef-ha.xml");
                    List<String> seen = view.getJsonArray("members").getValuesAs(JsonString.class).stream()
                            .map(JsonString::getString).sorted().toList();
                    if (seen.equals(members)) {
                        return;
                    }
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        fail(id + " did not see members " + members + " within " + seconds + " s; last answer: " + last
                + "\n" + node.consoleTail(40));
    }

    /** REEF_PORT_OFFSET moved the node's MQTT listener too: it accepts on 1883 + offset. */
    private static void assertMqttListens(StandaloneWildFly node) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.mqttPort())) {
            assertTrue(socket.isConnected());
        }
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }
}
