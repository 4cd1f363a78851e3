package org.reef.bench.im;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void readsTheValuesOfAMessageEvent() {
        Map<String, Object> event = Json.object("""
                {"type":"message","id":"6ab9","conversation":"dm:alice:bob","seq":42,"from":"alice",
                 "to":"user:bob","kind":"custom","body":{"n":[1,2.5,-3e2,true,false,null]},"clientMsgId":"a1"}
                """);
        assertEquals("message", Json.string(event, "type"));
        assertEquals(42L, Json.integer(event, "seq", -1));
        assertEquals(-1L, Json.integer(event, "missing", -1));
        assertNull(Json.string(event, "seq"), "a number is not a string");
        @SuppressWarnings("unchecked")
        List<Object> n = (List<Object>) ((Map<String, Object>) event.get("body")).get("n");
        assertEquals(List.of(1L, 2.5, -300.0, true, false), n.subList(0, 5));
        assertNull(n.get(5));
        assertEquals(List.of("type", "id", "conversation", "seq", "from", "to", "kind", "body", "clientMsgId"),
                List.copyOf(event.keySet()), "members keep their order");
    }

    @Test
    void decodesEscapes() {
        assertEquals("a\"b\\c/d\b\f\n\r\te\u00e9\u20ac",
                Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\te\\u00e9\\u20AC\""));
        assertEquals("plain", Json.parse("  \"plain\"  "));
        assertEquals(List.of(), Json.parse("[ ]"));
        assertEquals(Map.of(), Json.parse("{ }"));
    }

    @Test
    void integersBeyondALongAreDoubles() {
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(1e19, Json.parse("10000000000000000000"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "01", "1.", "-", "\"\\x\"", "\"open",
                "tru", "{'a':1}", "{\"a\":1} x", "\"\u0001\"", "\"\\u12\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("not JSON: "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Json.object("[1]"));
    }
}
