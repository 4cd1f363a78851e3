package org.reef.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kill -9 soak of issue 14: senders write at a steady rate (two MQTT 3.1.1 clients, two MQTT 5 clients, QoS 1,
 * each to the same recipient over {@code im/send}) while the server, a real WildFly process configured offline as
 * docs/deploying.md says, is killed with SIGKILL and started again, three times. Senders resend what was not
 * acknowledged, same clientMsgId, as a real client must. Then:
 * <ul>
 *   <li>every acknowledged message is in the conversation's history exactly once, and no clientMsgId twice;</li>
 *   <li>seqs run from 1 without a gap;</li>
 *   <li>both of the recipient's devices (3.1.1 and 5, persistent sessions, reconnecting after each kill without
 *       subscribing again) received every stored message of every conversation.</li>
 * </ul>
 */
class KillSoakIT {

    private static final Logger LOG = Logger.getLogger(KillSoakIT.class.getName());
    private static final int KILLS = 3;
    private static final int SECONDS_BETWEEN_KILLS = 5;
    private static final int MESSAGES_PER_SECOND = 5;

    @Test
    void everyAcknowledgedMessageIsStoredOnceAndDeliveredToEveryDeviceAcrossThreeKills() throws Exception {
        long begin = System.nanoTime();
        Path work = Path.of(System.getProperty("reef.test.work.dir"), "kill-soak-it");
        Path ear = Path.of(System.getProperty("reef.test.ear"));
        List<SoakSender> senders = new ArrayList<>();
        List<SoakInbox> devices = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (StandaloneWildFly server = StandaloneWildFly.unpack(
                Path.of(System.getProperty("reef.test.wildfly.dist")), work)) {
            Path setup = server.installSetup(Path.of(System.getProperty("reef.test.setup.zip")));
            server.configureOffline("standalone.xml", setup.resolve("configure-reef.cli"));
            int mqttPort = StandaloneWildFly.freePort();
            server.env("REEF_DB_URL", ScratchDatabase.create("reef_soak"))
                    .env("REEF_DB_USER", ScratchDatabase.USER)
                    .env("REEF_DB_PASSWORD", ScratchDatabase.PASSWORD)
                    .env("REEF_MQTT_PORT", String.valueOf(mqttPort))
                    .env("REEF_MQTT_WS_PORT", String.valueOf(StandaloneWildFly.freePort()))
                    // the senders' steady rate plus their resends after each restart stay within no quota
                    .env("REEF_SEND_RATE", "0")
                    .env("REEF_PASSWORD_ITERATIONS", "100000");
            server.start("standalone.xml");
            server.cli("deploy " + ear);
            ReefAt reef = new ReefAt(server.httpPort(), mqttPort);
            reef.awaitHealthy(120);

            String bob = reef.register("bob");
            String bobToken = reef.token(bob);
            devices.add(new SoakInbox.V3(reef.mqttUri(), bob, bobToken, "phone"));
            devices.add(new SoakInbox.V5(reef.mqttUri(), bob, bobToken, "tablet"));
            for (SoakInbox device : devices) {
                device.open();
            }
            for (int i = 0; i < 4; i++) {
                String sender = reef.register("s" + i);
                String token = reef.token(sender);
                senders.add(i < 2 ? new SoakSender.V3(reef.mqttUri(), sender, token, bob, MESSAGES_PER_SECOND)
                        : new SoakSender.V5(reef.mqttUri(), sender, token, bob, MESSAGES_PER_SECOND));
            }
            for (Runnable client : concat(senders, devices)) {
                Thread thread = new Thread(client, "soak-" + threads.size());
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }

            for (int kill = 1; kill <= KILLS; kill++) {
                TimeUnit.SECONDS.sleep(SECONDS_BETWEEN_KILLS);
                server.kill();
                LOG.info("kill -9 number " + kill + "; " + acknowledged(senders) + " messages acknowledged so far");
                server.start();
                reef.awaitHealthy(120);
            }
            TimeUnit.SECONDS.sleep(SECONDS_BETWEEN_KILLS);
            senders.forEach(SoakSender::stopWriting);
            awaitSent(senders);

            Map<String, Set<String>> acknowledgedByConversation = new HashMap<>();
            for (SoakSender sender : senders) {
                acknowledgedByConversation.put(conversation(sender.username, bob), sender.acknowledged());
            }
            Map<String, Long> stored = checkHistory(reef, bobToken, acknowledgedByConversation);
            awaitDelivered(devices, stored);

            for (SoakSender sender : senders) {
                LOG.info(sender.summary());
            }
            for (SoakInbox device : devices) {
                LOG.info(device.summary());
                assertEquals(0, device.sessionsLost(), device.clientId + " kept its persistent session");
            }
            LOG.info(() -> "Soak: " + acknowledged(senders) + " acknowledged, " + stored.values().stream()
                    .mapToLong(Long::longValue).sum() + " stored, delivered to " + devices.size() + " devices, "
                    + KILLS + " kills, in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin) + " s");
            server.stop();
        } finally {
            senders.forEach(SoakSender::close);
            devices.forEach(SoakInbox::close);
        }
    }

    /** Waits until every sender's outbox is empty: the server acknowledged everything written. */
    private static void awaitSent(List<SoakSender> senders) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (senders.stream().anyMatch(s -> s.unacknowledged() > 0)) {
            if (System.nanoTime() > deadline) {
                fail("messages still unacknowledged after 90 s: " + senders.stream().map(SoakSender::summary).toList());
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /**
     * Each conversation's history holds every acknowledged clientMsgId exactly once, no clientMsgId twice, and seqs
     * 1..n without a gap; returns n per conversation.
     */
    private static Map<String, Long> checkHistory(ReefAt reef, String token, Map<String, Set<String>> acknowledged)
            throws Exception {
        Map<String, Long> stored = new HashMap<>();
        for (Map.Entry<String, Set<String>> entry : acknowledged.entrySet()) {
            List<JsonObject> history = reef.history(entry.getKey(), token);
            Map<String, Integer> copies = new HashMap<>();
            for (JsonObject message : history) {
                copies.merge(message.getString("clientMsgId"), 1, Integer::sum);
            }
            List<String> twice = copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertTrue(twice.isEmpty(), entry.getKey() + ": stored more than once: " + twice);
            List<String> missing = entry.getValue().stream().filter(id -> !copies.containsKey(id)).toList();
            assertTrue(missing.isEmpty(), entry.getKey() + ": acknowledged but not stored: " + missing);
            for (int i = 0; i < history.size(); i++) {
                assertEquals(i + 1, history.get(i).getJsonNumber("seq").longValue(), entry.getKey() + ": seq gap");
            }
            assertEquals(entry.getValue().size(), history.size(),
                    entry.getKey() + ": every message was acknowledged in the end, so history holds exactly those");
            stored.put(entry.getKey(), (long) history.size());
        }
        return stored;
    }

    /** Waits until each device received seqs 1..n of every conversation. */
    private static void awaitDelivered(List<SoakInbox> devices, Map<String, Long> stored) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<String> missing = new ArrayList<>();
            for (SoakInbox device : devices) {
                for (Map.Entry<String, Long> conversation : stored.entrySet()) {
                    NavigableSet<Long> seqs = device.seqs(conversation.getKey());
                    Set<Long> lacking = new TreeSet<>();
                    for (long seq = 1; seq <= conversation.getValue(); seq++) {
                        if (!seqs.contains(seq)) {
                            lacking.add(seq);
                        }
                    }
                    if (!lacking.isEmpty()) {
                        missing.add(device.clientId + " lacks " + conversation.getKey() + " seqs " + lacking);
                    }
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("not delivered within 60 s of the last acknowledgement: " + missing);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static int acknowledged(List<SoakSender> senders) {
        return senders.stream().mapToInt(s -> s.acknowledged().size()).sum();
    }

    private static String conversation(String a, String b) {
        return "dm:" + (a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a);
    }

    private static List<Runnable> concat(List<? extends Runnable> a, List<? extends Runnable> b) {
        List<Runnable> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
