package org.reef.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client at {@code /} (issue 13) end to end: real headless Chromium, the real EAR on WildFly, MQTT over the
 * WebSocket listener on its own (reserved, non-default) port, found by the page through {@code /api/v1/client-config}.
 * Each user has their own browser (Alice at desktop width, Bob at phone width, Carol for the group), shared by the
 * tests; each test registers new users through the page itself.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WebClientIT {

    private static final String PASSWORD = "correct horse battery";

    private static ChatPage alice;
    private static ChatPage bob;
    private static ChatPage carol;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Reef.ear();
    }

    @BeforeEach
    void browsers() throws Exception {
        Browsers.require();
        if (alice == null) {
            alice = new ChatPage(Browsers.start(Browsers.DESKTOP), "alice");
            bob = new ChatPage(Browsers.start(Browsers.PHONE), "bob");
        }
    }

    @AfterAll
    static void quit() {
        for (ChatPage page : new ChatPage[]{alice, bob, carol}) {
            if (page != null) {
                page.driver.quit();
            }
        }
        alice = bob = carol = null;
    }

    private static ChatPage carol() throws Exception {
        if (carol == null) {
            carol = new ChatPage(Browsers.start(new Dimension(1024, 768)), "carol");
        }
        return carol;
    }

    /** A new user name, and an account for it created through the page. */
    private static String signUp(ChatPage page, String prefix, String displayName) {
        String username = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        page.createAccount(username, PASSWORD, displayName);
        return username;
    }

    @Test
    void theSignInPageHasTheAccessibleNamesTheIssueFixes() throws Exception {
        alice.signedOut();
        bob.signedOut();
        for (String label : List.of("Username", "Password", "Display name")) {
            assertEquals(label, alice.input(label).getAccessibleName());
        }
        for (String button : List.of("Sign in", "Create account")) {
            assertEquals(button, alice.button(button).getAccessibleName());
        }
        alice.screenshot("desktop-sign-in");
        bob.screenshot("phone-sign-in");

        signUp(alice, "ann", "Ann");
        for (String button : List.of("Sign out", "New chat")) {
            assertEquals(button, alice.button(button).getAccessibleName());
        }
        assertEquals("list", alice.conversationList().getAriaRole());
        assertEquals("Conversations", alice.conversationList().getAccessibleName());
        alice.button("New chat").click();
        assertEquals("Recipient", alice.input("Recipient").getAccessibleName());
        assertEquals("Start", alice.button("Start").getAccessibleName());
        alice.button("New chat").click();
    }

    @Test
    void twoUsersChatBothWaysLive() throws Exception {
        String a = signUp(alice, "alice", "Alice");
        String b = signUp(bob, "bob", "Bob");

        alice.startChat(b);
        assertEquals("log", alice.messageLog().getAriaRole());
        assertEquals("Messages", alice.messageLog().getAccessibleName());
        assertEquals("Message", alice.input("Message").getAccessibleName());
        alice.send("Hi Bob, Reef works in the browser");
        alice.awaitState("Hi Bob, Reef works in the browser", "stored");

        // Bob's list gets the conversation live, named after Alice, with one unread message.
        bob.waitFor(d -> bob.unread("Alice") == 1);
        bob.open("Alice");
        bob.awaitTexts("Hi Bob, Reef works in the browser");
        alice.awaitState("Hi Bob, Reef works in the browser", "read");

        // Alice sees Bob typing, then his answer.
        bob.typeWithoutSending("Hi Ali");
        alice.waitFor(d -> alice.typingLine().contains("Bob is typing"));
        bob.send("Hi Alice, and on a phone too");
        alice.awaitTexts("Hi Bob, Reef works in the browser", "Hi Alice, and on a phone too");
        alice.waitFor(d -> alice.typingLine().isEmpty());
        bob.awaitState("Hi Alice, and on a phone too", "read");
        alice.send("See you on Saturday at the harbour");
        bob.awaitTexts("See you on Saturday at the harbour");
        // Presence: both are online.
        alice.waitFor(d -> d.findElement(By.id("chat-subtitle")).getText().contains("online"));

        assertEquals(List.of("Hi Bob, Reef works in the browser", "Hi Alice, and on a phone too",
                "See you on Saturday at the harbour"), alice.texts());
        assertEquals(alice.texts(), bob.texts());
        alice.screenshot("desktop-chat");
        bob.screenshot("phone-chat");
        bob.showList();
        bob.screenshot("phone-conversations");
        assertTrue(bob.item("Alice").isPresent(), a);
    }

    @Test
    void messagesSentWhileSignedOutAreUnreadUntilReadThenTheSenderSeesReadTicks() throws Exception {
        String a = signUp(alice, "alice", "Alice");
        String b = signUp(bob, "bob", "Bob");
        alice.startChat(b);
        alice.send("first");
        bob.open("Alice");
        bob.awaitTexts("first");

        bob.signOut();
        List<String> sent = List.of("one while you were out", "two while you were out", "three while you were out");
        for (String text : sent) {
            alice.send(text);
        }
        for (String text : sent) {
            alice.awaitState(text, "stored"); // stored, not delivered: Bob has no device connected
        }

        bob.signIn(b, PASSWORD);
        bob.waitFor(d -> bob.unread("Alice") == 3);
        bob.screenshot("phone-unread");
        bob.open("Alice");
        bob.awaitTexts(sent.toArray(String[]::new));
        assertEquals(1, Collections.frequency(bob.texts(), "one while you were out"));
        bob.showList();
        bob.waitFor(d -> bob.unread("Alice") == 0);
        for (String text : sent) {
            alice.awaitState(text, "read");
        }
        assertTrue(a.startsWith("alice"));
    }

    @Test
    void aGroupOfThreeChats() throws Exception {
        ChatPage carol = carol();
        String a = signUp(alice, "alice", "Alice");
        String b = signUp(bob, "bob", "Bob");
        String c = signUp(carol, "carol", "Carol");

        alice.button("New group").click();
        alice.input("Group name").sendKeys("Harbour crew");
        alice.input("Members").sendKeys(b + ", " + c);
        alice.button("Create group").click();
        alice.waitFor(d -> alice.texts().contains("You created the group “Harbour crew”"));
        alice.send("Boat at nine?");

        for (ChatPage member : List.of(bob, carol)) {
            member.open("Harbour crew");
            member.awaitTexts("Alice created the group “Harbour crew”", "Boat at nine?");
        }
        bob.send("Nine is fine");
        carol.send("I bring coffee");
        for (ChatPage member : List.of(alice, bob, carol)) {
            member.awaitTexts("Boat at nine?", "Nine is fine", "I bring coffee");
        }
        // Everyone has the same messages in the same (seq) order; the first is the system message of the creation.
        List<String> expected = List.of("Alice created the group “Harbour crew”", "Boat at nine?", "Nine is fine",
                "I bring coffee");
        assertEquals(expected, bob.texts());
        assertEquals(expected, carol.texts());
        assertEquals(expected.subList(1, 4), alice.texts().subList(1, 4));
        alice.awaitState("Boat at nine?", "read");
        alice.screenshot("desktop-group");

        // Settings: the owner sees Carol as a member she may remove.
        alice.button("Group settings").click();
        alice.waitFor(d -> d.findElement(By.id("member-list")).getText().contains("@" + c));
        alice.button("Close").click();
        assertTrue(a.length() > 0);
    }

    @Test
    void aRefusedMessageShowsItsErrorInWords() throws Exception {
        String a = signUp(alice, "alice", "Alice");
        String b = signUp(bob, "bob", "Bob");
        alice.startChat(b);
        alice.send("before the block");
        alice.awaitState("before the block", "stored");

        // Bob blocks Alice through the API; her next message is refused with `blocked`.
        String token = Reef.json(Reef.post("/tokens",
                "{\"username\":\"" + b + "\",\"password\":\"" + PASSWORD + "\"}", null).body()).getString("token");
        HttpResponse<String> blocked = Reef.put("/users/me/blocks/" + a, "{}", token);
        assertEquals(204, blocked.statusCode(), blocked.body());

        alice.send("after the block");
        alice.awaitState("after the block", "failed");
        WebElement error = alice.message("after the block").findElement(By.className("error"));
        assertEquals("blocked", error.getDomAttribute("data-code"));
        assertTrue(error.getText().contains("Not sent: This person does not accept your messages."),
                error.getText());
        assertTrue(error.findElement(By.tagName("button")).getText().contains("Retry"));

        // Retrying (the same clientMsgId) after the unblock stores it once.
        assertEquals(204, Reef.delete("/users/me/blocks/" + a, token).statusCode());
        error.findElement(By.tagName("button")).click();
        alice.awaitState("after the block", "stored");
        alice.screenshot("desktop-refused-then-retried");
        HttpResponse<String> history = Reef.get("/conversations/" + dm(a, b) + "/messages", token);
        assertEquals(2, Reef.json(history.body()).getJsonArray("items").size(), history.body());
    }

    @Test
    void aCutWebSocketReconnectsAndNothingIsLostOrDoubled() throws Exception {
        String a = signUp(alice, "alice", "Alice");
        String b = signUp(bob, "bob", "Bob");
        alice.startChat(b);
        alice.send("before the cut");
        bob.open("Alice");
        bob.awaitTexts("before the cut");

        alice.cutWebSockets();
        assertTrue(alice.driver.findElement(By.id("connection")).getText().startsWith("Offline")
                || "connecting".equals(alice.connectionState()));
        bob.send("while you were cut off 1");
        bob.send("while you were cut off 2");
        alice.send("written while offline");
        assertEquals("sending", alice.state("written while offline"));
        bob.awaitState("while you were cut off 2", "stored");

        alice.restoreWebSockets();
        List<String> expected = List.of("before the cut", "while you were cut off 1", "while you were cut off 2",
                "written while offline");
        alice.awaitTexts(expected.toArray(String[]::new));
        bob.awaitTexts(expected.toArray(String[]::new));
        alice.awaitState("written while offline", "read");
        for (ChatPage page : List.of(alice, bob)) {
            List<String> texts = page.texts();
            assertEquals(expected.size(), texts.size(), page.name + " shows " + texts);
            expected.forEach(text -> assertEquals(1, Collections.frequency(texts, text), page.name + ": " + texts));
        }
        // Nothing twice on the server either.
        String token = Reef.json(Reef.post("/tokens",
                "{\"username\":\"" + a + "\",\"password\":\"" + PASSWORD + "\"}", null).body()).getString("token");
        HttpResponse<String> history = Reef.get("/conversations/" + dm(a, b) + "/messages", token);
        assertEquals(4, Reef.json(history.body()).getJsonArray("items").size(), history.body());
    }

    @Test
    void historyLoadsPageByPageWhenScrollingUp() throws Exception {
        String a = signUp(alice, "alice", "Alice");
        String b = signUp(bob, "bob", "Bob");
        String token = Reef.json(Reef.post("/tokens",
                "{\"username\":\"" + a + "\",\"password\":\"" + PASSWORD + "\"}", null).body()).getString("token");
        IntStream.rangeClosed(1, 120).forEach(i -> {
            try {
                HttpResponse<String> sent = Reef.post("/conversations/" + dm(a, b) + "/messages",
                        "{\"kind\":\"text\",\"body\":\"history " + i + "\",\"clientMsgId\":\"h" + i + "\"}", token);
                assertEquals(201, sent.statusCode(), sent.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        alice.signIn(a, PASSWORD);
        alice.open("Bob");
        alice.awaitTexts("history 120");
        assertEquals(50, alice.texts().size());
        for (int expected : new int[]{100, 120}) {
            alice.script("arguments[0].scrollTop = 0", alice.messageLog());
            alice.waitFor(d -> alice.texts().size() == expected);
        }
        List<String> texts = alice.texts();
        assertEquals("history 1", texts.get(0));
        assertEquals("history 120", texts.get(119));
    }

    private static String dm(String one, String other) {
        return one.compareTo(other) < 0 ? "dm:" + one + ":" + other : "dm:" + other + ":" + one;
    }
}
