package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many senders at once into few shared conversations and a group, so that inflow batches mix their messages (and a
 * few refused ones): afterwards every conversation's history is gap-free, complete and holds each message exactly
 * once, and every device got every message of its conversations in seq order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConcurrentSendIT {

    private static final int USERS = 6;
    private static final int MESSAGES_PER_USER = 90;

    private final ImUsers users = new ImUsers();

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @AfterEach
    void close() {
        users.close();
    }

    @Test
    void concurrentSendersIntoSharedConversationsLeaveGapFreeHistoriesAndOrderedDeliveries() throws Exception {
        List<String> names = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            names.add(users.register("conc" + i));
            tokens.add(users.token(names.get(i)));
        }
        JsonArrayBuilder members = Json.createArrayBuilder();
        names.subList(1, USERS).forEach(members::add);
        HttpResponse<String> created = Reef.post("/groups", Json.createObjectBuilder().add("name", "busy")
                .add("members", members).build().toString(), tokens.get(0));
        assertEquals(201, created.statusCode(), created.body());
        String group = Reef.json(created.body()).getString("conversation");

        List<ImUsers.Device> devices = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            devices.add(users.device(names.get(i), tokens.get(i), "phone"));
        }
        // each user writes to its two neighbours and to the group, in turns; every 15th send is refused
        Map<String, String> conversationOf = new HashMap<>(); // clientMsgId -> conversation
        List<Future<?>> senders = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(USERS);
        for (int u = 0; u < USERS; u++) {
            String me = names.get(u);
            ImUsers.Device device = devices.get(u);
            List<String> targets = List.of("user:" + names.get((u + 1) % USERS),
                    "user:" + names.get((u + USERS - 1) % USERS), group);
            for (int m = 0; m < MESSAGES_PER_USER; m++) {
                String to = m % 15 == 14 ? "user:nobody" + m : targets.get(m % 3);
                if (!to.startsWith("user:nobody")) {
                    conversationOf.put(me + "-" + m, to.startsWith("user:")
                            ? direct(me, to.substring("user:".length())) : to);
                }
            }
            senders.add(pool.submit(() -> {
                for (int m = 0; m < MESSAGES_PER_USER; m++) {
                    String to = m % 15 == 14 ? "user:nobody" + m : targets.get(m % 3);
                    device.publish("im/send", Json.createObjectBuilder().add("to", to).add("kind", "text")
                            .add("body", "m" + m).add("clientMsgId", me + "-" + m).build());
                }
                return null;
            }));
        }
        for (Future<?> sender : senders) {
            sender.get(120, TimeUnit.SECONDS); // every publish returned: acknowledged (3.1.1 PUBACK)
        }
        pool.shutdown();

        Map<String, List<JsonObject>> histories = new TreeMap<>();
        for (String conversation : new HashSet<>(conversationOf.values())) {
            String reader = conversation.startsWith("dm:") ? conversation.split(":")[1] : names.get(0);
            histories.put(conversation, history(conversation, tokens.get(names.indexOf(reader))));
        }
        Map<String, Long> expectedCount = new HashMap<>();
        conversationOf.values().forEach(c -> expectedCount.merge(c, 1L, Long::sum));
        for (Map.Entry<String, List<JsonObject>> entry : histories.entrySet()) {
            String conversation = entry.getKey();
            List<JsonObject> messages = entry.getValue();
            Set<String> clientMsgIds = new HashSet<>();
            long userMessages = 0;
            for (int i = 0; i < messages.size(); i++) {
                JsonObject message = messages.get(i);
                assertEquals(i + 1, message.getJsonNumber("seq").longValue(), "gap-free seq in " + conversation);
                if (!"system".equals(message.getString("kind"))) {
                    assertTrue(clientMsgIds.add(message.getString("clientMsgId", message.getString("id"))),
                            "stored once: " + message);
                    assertEquals(conversation, conversationOf.get(message.getString("clientMsgId")),
                            "in the conversation it was sent to: " + message);
                    userMessages++;
                }
            }
            assertEquals(expectedCount.get(conversation), userMessages, "every acknowledged message of "
                    + conversation);
        }

        for (int u = 0; u < USERS; u++) {
            String me = names.get(u);
            Map<String, Long> expected = new HashMap<>(); // conversation -> messages the device must get
            for (Map.Entry<String, List<JsonObject>> entry : histories.entrySet()) {
                boolean mine = entry.getKey().equals(group) || List.of(entry.getKey().split(":")).contains(me);
                if (mine) {
                    expected.put(entry.getKey(), entry.getValue().stream()
                            .filter(message -> !me.equals(message.getString("from"))).count());
                }
            }
            long total = expected.values().stream().mapToLong(Long::longValue).sum();
            Map<String, List<Long>> received = received(devices.get(u), me, total);
            for (Map.Entry<String, Long> entry : expected.entrySet()) {
                List<Long> seqs = received.getOrDefault(entry.getKey(), List.of());
                assertEquals(entry.getValue(), seqs.size(), me + " got every message of " + entry.getKey());
                for (int i = 1; i < seqs.size(); i++) {
                    assertTrue(seqs.get(i) > seqs.get(i - 1), me + ": in seq order in " + entry.getKey() + ": "
                            + seqs);
                }
            }
        }
    }

    /** The message events a device received, by conversation, in arrival order, once it has {@code total}. */
    private static Map<String, List<Long>> received(ImUsers.Device device, String me, long total)
            throws InterruptedException {
        Map<String, List<Long>> seqs = new HashMap<>();
        long count = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count < total && System.nanoTime() < deadline) {
            JsonObject event = device.events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && "message".equals(event.getString("type", ""))
                    && !me.equals(event.getString("from"))) {
                seqs.computeIfAbsent(event.getString("conversation"), c -> new ArrayList<>())
                        .add(event.getJsonNumber("seq").longValue());
                count++;
            }
        }
        for (JsonObject late : device.drain(300)) { // nothing more: no duplicates
            assertTrue(!"message".equals(late.getString("type", "")) || me.equals(late.getString("from")),
                    me + " got a message twice: " + late);
        }
        return seqs;
    }

    /** A conversation's whole history, in seq order, page by page. */
    private static List<JsonObject> history(String conversation, String token) throws Exception {
        List<JsonObject> all = new ArrayList<>();
        long after = 0;
        while (true) {
            HttpResponse<String> page = Reef.get("/conversations/" + conversation + "/messages?after=" + after
                    + "&limit=200", token);
            assertEquals(200, page.statusCode(), page.body());
            List<JsonObject> items = Reef.json(page.body()).getJsonArray("items").getValuesAs(JsonValue::asJsonObject);
            if (items.isEmpty()) {
                return all;
            }
            all.addAll(items);
            after = items.get(items.size() - 1).getJsonNumber("seq").longValue();
        }
    }

    private static String direct(String one, String other) {
        return one.compareTo(other) <= 0 ? "dm:" + one + ":" + other : "dm:" + other + ":" + one;
    }
}
