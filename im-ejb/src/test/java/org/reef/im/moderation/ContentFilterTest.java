package org.reef.im.moderation;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentFilterTest {

    private static final List<Pattern> BANNED = List.of(ContentFilter.compile("spam+"),
            ContentFilter.compile("buy\\s+now"));
    private static final long LATER = System.nanoTime() + 60_000_000_000L;

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }

    @Test
    void matchesTextCaseInsensitively() {
        assertTrue(ContentFilter.matches(json("\"Great SPAMMM here\""), BANNED, LATER));
        assertTrue(ContentFilter.matches(json("\"please Buy   now\""), BANNED, LATER));
        assertFalse(ContentFilter.matches(json("\"a spa day\""), BANNED, LATER));
    }

    @Test
    void matchesStringsAndKeysInsideCustomBodiesButNotNumbers() {
        assertTrue(ContentFilter.matches(json("{\"a\":[1,{\"b\":\"buy now\"}]}"), BANNED, LATER));
        assertTrue(ContentFilter.matches(json("{\"spam\":1}"), BANNED, LATER), "security review L1: keys too");
        assertTrue(ContentFilter.matches(json("{\"a\":{\"buy now\":true}}"), BANNED, LATER));
        assertFalse(ContentFilter.matches(json("{\"n\":42,\"ok\":true,\"s\":\"fine\"}"), BANNED, LATER));
    }

    @Test
    void matchesTheTextAReaderSeesNotItsCodePoints() {
        assertTrue(ContentFilter.matches(json("\"\uFF53\uFF50\uFF41\uFF4D\""), BANNED, LATER), "full-width");
        assertTrue(ContentFilter.matches(json("\"sp\u200Bam\""), BANNED, LATER), "zero-width space");
        assertTrue(ContentFilter.matches(json("\"s\u00ADpa\u2060m\""), BANNED, LATER), "soft hyphen, word joiner");
        assertTrue(ContentFilter.matches(json("\"buy\u202E now\""), BANNED, LATER), "bidi override");
        assertFalse(ContentFilter.matches(json("\"sp\u00E4m\""), BANNED, LATER), "another letter stays another");
    }

    @Test
    void masksKeysAndLookAlikesInTheirReadableFormAndLeavesCleanTextAlone() {
        assertEquals("{\"****\":\"****\"}",
                ContentFilter.mask(json("{\"spam\":\"sp\u200Bam\"}"), BANNED, LATER).toString());
        assertEquals("\"caf\u00E9 \uD83D\uDC68\u200D\uD83D\uDC69\"",
                ContentFilter.mask(json("\"caf\u00E9 \uD83D\uDC68\u200D\uD83D\uDC69\""), BANNED, LATER)
                        .toString(), "untouched, zero-width joiner included");
    }

    @Test
    void masksEachMatchedCharacter() {
        assertEquals("\"no **** and ******* please\"",
                ContentFilter.mask(json("\"no spam and BUY NOW please\""), BANNED, LATER).toString());
        assertEquals("{\"a\":[\"****\",2],\"b\":\"fine\"}",
                ContentFilter.mask(json("{\"a\":[\"spam\",2],\"b\":\"fine\"}"), BANNED, LATER).toString());
    }

    @Test
    void rulesAreReadOnTheirOwnSoOneCannotSwallowAnother() {
        // "\\Q" quotes the rest of its own pattern only; joined into one alternation it would swallow the next rule
        List<Pattern> rules = List.of(ContentFilter.compile("foo\\Q"), ContentFilter.compile("bar"));
        assertTrue(ContentFilter.matches(json("\"a bar\""), rules, LATER));
        assertTrue(ContentFilter.matches(json("\"a foo\""), rules, LATER));
    }

    @Test
    void aCatastrophicPatternRunsIntoTheTimeBudget() {
        // about 2.5 s of backtracking on Java 17 without a budget (Java's regex optimises the classic (a+)+$)
        List<Pattern> rules = List.of(ContentFilter.compile("(.*a){10}x"));
        String text = "\"" + "a".repeat(30) + "!\"";
        long deadline = System.nanoTime() + 20_000_000L;
        assertThrows(TimeBudget.Exceeded.class, () -> ContentFilter.matches(json(text), rules, deadline));
    }
}
