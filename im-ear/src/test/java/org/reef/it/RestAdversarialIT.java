package org.reef.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP API under attack, as an attacker with an HTTP client meets it: password guessing, hashing floods, lists
 * and requests that try to cost the server more than the caller pays for. Each test that may get its source address
 * throttled sends from its own loopback address ({@link FromAddress}), so the other tests are not affected.
 *
 * <p>The test server runs with REEF_LOGIN_FAILURES_PER_ACCOUNT=5, REEF_LOGIN_FAILURES_PER_ADDRESS=20,
 * REEF_HASH_THREADS=1 and REEF_HASH_QUEUE=8 (im-ear/pom.xml).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestAdversarialIT {

    static final int FAILURES_PER_ACCOUNT = 5;
    static final int FAILURES_PER_ADDRESS = 20;
    /** REEF_GROUP_MAX_ADD's default. */
    static final int MAX_ADD = 50;

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
    void passwordGuessingOnOneAccountIsThrottledWith429AndRetryAfter() throws Exception {
        String victim = users.register("victim");
        FromAddress attacker = new FromAddress("127.0.0.11");
        for (int i = 0; i < FAILURES_PER_ACCOUNT; i++) {
            assertEquals(401, attacker.post("/tokens", credentials(victim, "guess number " + i)).status());
        }
        FromAddress.Answer locked = attacker.post("/tokens", credentials(victim, ImUsers.PASSWORD));
        assertTooMany(locked);

        // the account, not only the address: the right password from elsewhere waits too
        FromAddress.Answer elsewhere = new FromAddress("127.0.0.12").post("/tokens",
                credentials(victim, ImUsers.PASSWORD));
        assertTooMany(elsewhere);
    }

    @Test
    void passwordGuessingFromOneAddressIsThrottledWhateverTheAccount() throws Exception {
        FromAddress attacker = new FromAddress("127.0.0.13");
        for (int i = 0; i < FAILURES_PER_ADDRESS; i++) {
            FromAddress.Answer answer = attacker.post("/tokens", credentials(user(), "guess number " + i));
            assertEquals(401, answer.status(), answer.body());
        }
        String someone = users.register("someone");
        assertTooMany(attacker.post("/tokens", credentials(someone, ImUsers.PASSWORD)));
        assertEquals(201, new FromAddress("127.0.0.14").post("/tokens",
                credentials(someone, ImUsers.PASSWORD)).status(), "other addresses are not affected");
    }

    @Test
    void aFloodOfRegistrationsIsRefusedWith503InsteadOfQueueingHashes() throws Exception {
        FromAddress flooder = new FromAddress("127.0.0.15");
        int requests = 48;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            List<Future<FromAddress.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(() -> flooder.post("/users", Json.createObjectBuilder()
                        .add("username", user()).add("password", "flood password")
                        .add("displayName", "flood").build().toString())));
            }
            int created = 0;
            FromAddress.Answer busy = null;
            for (Future<FromAddress.Answer> future : answers) {
                FromAddress.Answer answer = future.get();
                if (answer.status() == 201) {
                    created++;
                } else {
                    assertEquals(503, answer.status(), "only 201 or 503: " + answer.body());
                    busy = answer;
                }
            }
            assertTrue(created > 0, "some registrations go through");
            assertNotNull(busy, "with one hashing thread and eight waiting, 48 at once cannot all be taken");
            assertProblem(busy, "server_busy");
            assertTrue(Integer.parseInt(busy.header("Retry-After")) >= 1, "Retry-After: " + busy.headers());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Security review F7: adding n users wrote n system messages, each to every member's inbox (O(n²) rows). */
    @Test
    void addingMembersIsOneSystemMessageListingThemAndTheRequestIsCapped() throws Exception {
        String alice = users.register("alice");
        String aliceToken = users.token(alice);
        List<String> added = List.of(users.register("carol"), users.register("dave"), users.register("erin"));
        String id = createGroup(aliceToken);
        HttpResponse<String> response = Reef.post("/groups/" + id + "/members", members(added), aliceToken);
        assertEquals(200, response.statusCode(), response.body());

        JsonArray history = Reef.json(Reef.get("/conversations/group:" + id + "/messages", aliceToken).body())
                .getJsonArray("items");
        List<JsonObject> additions = history.stream().map(JsonValue::asJsonObject)
                .filter(m -> "member_added".equals(m.getJsonObject("body").getString("event"))).toList();
        assertEquals(1, additions.size(), "one system message for the request: " + history);
        JsonObject body = additions.get(0).getJsonObject("body");
        assertEquals(alice, body.getString("by"));
        assertEquals(added, body.getJsonArray("users").getValuesAs(JsonString::getString));
        long seq = additions.get(0).getJsonNumber("seq").longValue();
        JsonArray members = Reef.json(response.body()).getJsonArray("members");
        for (JsonValue member : members) {
            if (added.contains(member.asJsonObject().getString("username"))) {
                assertEquals(seq, member.asJsonObject().getJsonNumber("joinedSeq").longValue(), member.toString());
            }
        }

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= MAX_ADD; i++) {
            tooMany.add(user());
        }
        HttpResponse<String> capped = Reef.post("/groups/" + id + "/members", members(tooMany), aliceToken);
        assertEquals(400, capped.statusCode(), capped.body());
        assertTrue(capped.body().contains("invalid"), capped.body());
    }

    /** F7: each user named costs one send of the rate limit (REEF_SEND_BURST=600 on the test server). */
    @Test
    void addingMembersCostsTheRateLimitPerUserNamed() throws Exception {
        String owner = users.register("owner");
        String token = users.token(owner);
        String id = createGroup(token);
        int status = 0;
        for (int request = 0; request < 14 && status != 429; request++) { // 14 x 50 names > a burst of 600
            List<String> names = new ArrayList<>();
            for (int i = 0; i < MAX_ADD; i++) {
                names.add(user()); // unknown users: refused, but named, so charged
            }
            HttpResponse<String> response = Reef.post("/groups/" + id + "/members", members(names), token);
            status = response.statusCode();
            assertTrue(status == 404 || status == 429, response.body());
        }
        assertEquals(429, status, "the rate limit counts every user named, not every request");
    }

    /** Security review L7: names that reorder or hide text let one user pass for another in clients. */
    @Test
    void controlBidiAndZeroWidthCharactersAreRefusedInNames() throws Exception {
        for (String spoof : List.of("Bob\u202Eevil", "B\u200Bob", "Bob\u0007", "Bob\u2066x", "Bob\u2028")) {
            HttpResponse<String> refused = Reef.post("/users", Json.createObjectBuilder().add("username", user())
                    .add("password", "long enough").add("displayName", spoof).build().toString(), null);
            assertEquals(400, refused.statusCode(), "display name " + spoof.codePoints()
                    .mapToObj(c -> c < 0x80 && c >= 0x20 ? String.valueOf((char) c) : "U+" + Integer.toHexString(c))
                    .reduce("", String::concat) + ": " + refused.body());
        }
        HttpResponse<String> fine = Reef.post("/users", Json.createObjectBuilder().add("username", user())
                .add("password", "long enough").add("displayName", "Zoë \uD83D\uDC68\u200D\uD83D\uDC69\u200D"
                        + "\uD83D\uDC67").build().toString(), null);
        assertEquals(201, fine.statusCode(), "accents and emoji (joined by U+200D) are fine: " + fine.body());

        String token = users.token(users.register("owner"));
        HttpResponse<String> group = Reef.post("/groups", Json.createObjectBuilder().add("name", "te\u200Bam")
                .add("members", Json.createArrayBuilder()).build().toString(), token);
        assertEquals(400, group.statusCode(), group.body());
        String id = createGroup(token);
        HttpResponse<String> rename = Reef.patch("/groups/" + id, Json.createObjectBuilder()
                .add("name", "\u202Eg").build().toString(), token);
        assertEquals(400, rename.statusCode(), rename.body());
    }

    /** Security review L1: typing bodies, object keys and look-alike spellings went past the content filter. */
    @Test
    void theContentFilterCoversTypingKeysAndLookAlikeSpellings() throws Exception {
        String word = "zq" + UUID.randomUUID().toString().replaceAll("[^a-f]", "").substring(0, 6);
        String admin = ImAdversarialIT.adminToken();
        HttpResponse<String> rule = Reef.post("/admin/content-filter", Json.createObjectBuilder()
                .add("pattern", word).build().toString(), admin);
        assertEquals(201, rule.statusCode(), rule.body());
        String ruleId = String.valueOf(Reef.json(rule.body()).getJsonNumber("id").longValue());
        try {
            String alice = users.register("alice");
            String bob = users.register("bob");
            String token = users.token(alice);
            String messages = "/conversations/" + ImAdversarialIT.dm(alice, bob) + "/messages";
            StringBuilder fullwidth = new StringBuilder();
            word.chars().forEach(c -> fullwidth.append((char) (0xFF41 + c - 'a')));
            List<JsonObject> banned = List.of(
                    Json.createObjectBuilder().add("kind", "typing").add("body", "typing " + word).build(),
                    Json.createObjectBuilder().add("kind", "custom").add("body", Json.createObjectBuilder()
                            .add(word, 1)).add("clientMsgId", "l1-key").build(),
                    text("with " + fullwidth, "l1-fullwidth"),
                    text("with " + word.charAt(0) + "\u200B" + word.substring(1), "l1-zero-width"),
                    text("with " + word.substring(0, 3) + "\u00AD" + word.substring(3), "l1-soft-hyphen"));
            for (JsonObject message : banned) {
                HttpResponse<String> refused = Reef.post(messages, message.toString(), token);
                assertEquals(422, refused.statusCode(), message + ": " + refused.body());
                assertTrue(refused.body().contains("content_rejected"), refused.body());
            }
            assertEquals(201, Reef.post(messages, text("harmless", "l1-fine").toString(), token).statusCode());
        } finally {
            assertEquals(204, Reef.delete("/admin/content-filter/" + ruleId, admin).statusCode());
        }
    }

    /** Security review L6: GET /groups, /rooms and /users/me/blocks returned everything at once. */
    @Test
    void listsArePagedAndTheirPagesBounded() throws Exception {
        String owner = users.register("owner");
        String token = users.token(owner);
        for (int i = 0; i < 3; i++) {
            createGroup(token);
            String blocked = users.register("blocked");
            assertEquals(204, Reef.put("/users/me/blocks/" + blocked, "", token).statusCode());
        }
        for (int i = 0; i < 3; i++) {
            String room = "l6-" + UUID.randomUUID().toString().substring(0, 8);
            assertEquals(201, Reef.post("/rooms", Json.createObjectBuilder().add("name", room).build().toString(),
                    token).statusCode());
        }
        for (String list : List.of("/groups", "/users/me/blocks", "/rooms")) {
            JsonObject first = Reef.json(Reef.get(list + "?limit=2", token).body());
            assertEquals(2, first.getJsonArray("items").size(), list + ": " + first);
            assertTrue(first.get("next") instanceof JsonString, list + " has a next page: " + first);
            JsonObject second = Reef.json(Reef.get(list + "?limit=2&cursor=" + first.getString("next"), token)
                    .body());
            assertTrue(second.getJsonArray("items").size() >= 1, list + ": " + second);
            assertTrue(second.getJsonArray("items").stream().noneMatch(first.getJsonArray("items")::contains),
                    list + ": the second page goes on where the first stopped");
            assertEquals(400, Reef.get(list + "?limit=0", token).statusCode(), list);
            assertEquals(400, Reef.get(list + "?limit=100000", token).statusCode(), list);
        }
        JsonObject groups = Reef.json(Reef.get("/groups?limit=2", token).body());
        JsonObject rest = Reef.json(Reef.get("/groups?limit=2&cursor=" + groups.getString("next"), token).body());
        assertEquals(1, rest.getJsonArray("items").size());
        assertEquals(JsonValue.NULL, rest.get("next"), "the last page says so");
    }

    private static JsonObject text(String body, String clientMsgId) {
        return Json.createObjectBuilder().add("kind", "text").add("body", body).add("clientMsgId", clientMsgId)
                .build();
    }

    private static String createGroup(String token) throws Exception {
        HttpResponse<String> created = Reef.post("/groups", Json.createObjectBuilder().add("name", "g")
                .add("members", Json.createArrayBuilder()).build().toString(), token);
        assertEquals(201, created.statusCode(), created.body());
        return Reef.json(created.body()).getString("id");
    }

    private static String members(List<String> names) {
        return Json.createObjectBuilder().add("members", Json.createArrayBuilder(names)).build().toString();
    }

    private static void assertTooMany(FromAddress.Answer answer) {
        assertEquals(429, answer.status(), answer.body());
        assertProblem(answer, "too_many_attempts");
        assertNotNull(answer.header("Retry-After"), "Retry-After: " + answer.headers());
        assertTrue(Integer.parseInt(answer.header("Retry-After")) >= 1, answer.headers().toString());
    }

    static void assertProblem(FromAddress.Answer answer, String code) {
        assertEquals("application/problem+json", answer.header("Content-Type").split(";")[0], answer.body());
        JsonObject problem = Reef.json(answer.body());
        assertTrue(problem.getString("type").endsWith("/" + code), answer.body());
        assertEquals(answer.status(), problem.getInt("status"));
    }

    static String credentials(String username, String password) {
        return Json.createObjectBuilder().add("username", username).add("password", password).build().toString();
    }

    static String user() {
        return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
