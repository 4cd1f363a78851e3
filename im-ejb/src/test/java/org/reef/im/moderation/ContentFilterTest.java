package org.reef.im.moderation;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentFilterTest {

    private static final Pattern BANNED = ContentFilter.compile("(?:spam+)|(?:buy\\s+now)");

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }

    @Test
    void matchesTextCaseInsensitively() {
        assertTrue(ContentFilter.matches(json("\"Great SPAMMM here\""), BANNED));
        assertTrue(ContentFilter.matches(json("\"please Buy   now\""), BANNED));
        assertFalse(ContentFilter.matches(json("\"a spa day\""), BANNED));
    }

    @Test
    void matchesStringsInsideCustomBodiesButNotKeysOrNumbers() {
        assertTrue(ContentFilter.matches(json("{\"a\":[1,{\"b\":\"buy now\"}]}"), BANNED));
        assertFalse(ContentFilter.matches(json("{\"spam\":1,\"n\":42,\"ok\":true}"), BANNED));
    }

    @Test
    void masksEachMatchedCharacter() {
        assertEquals("\"no **** and ******* please\"",
                ContentFilter.mask(json("\"no spam and BUY NOW please\""), BANNED).toString());
        assertEquals("{\"a\":[\"****\",2],\"b\":\"fine\"}",
                ContentFilter.mask(json("{\"a\":[\"spam\",2],\"b\":\"fine\"}"), BANNED).toString());
    }
}
