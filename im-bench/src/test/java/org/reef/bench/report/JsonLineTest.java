package org.reef.bench.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonLineTest {

    @Test
    void writesFieldsInOrderWithNestedObjects() {
        JsonLine json = new JsonLine()
                .put("scenario", "pairs")
                .put("qos", 1)
                .put("messagesPerSecond", 12_345.6789)
                .put("inOrder", true)
                .putNullable("pid", null)
                .put("latencyMicros", new JsonLine().put("p50", 120).put("max", 2_100));
        assertEquals("{\"scenario\":\"pairs\",\"qos\":1,\"messagesPerSecond\":12345.679,\"inOrder\":true,"
                + "\"pid\":null,\"latencyMicros\":{\"p50\":120,\"max\":2100}}", json.toString());
    }

    @Test
    void decimalsArePlainAndShort() {
        assertEquals("0", JsonLine.number(0.0));
        assertEquals("0", JsonLine.number(-0.0));
        assertEquals("2", JsonLine.number(2.0));
        assertEquals("0.001", JsonLine.number(0.0005));
        assertEquals("10000000000", JsonLine.number(1e10));
        assertEquals("-1.5", JsonLine.number(-1.5));
        assertEquals("null", JsonLine.number(Double.NaN));
        assertEquals("null", JsonLine.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void stringsAreEscapedAndStayOnOneLine() {
        String rendered = new JsonLine().put("error", "said \"no\"\nat C:\\x\t\u0001").toString();
        assertEquals("{\"error\":\"said \\\"no\\\"\\nat C:\\\\x\\t\\u0001\"}", rendered);
        assertFalse(rendered.contains("\n"));
    }

    @Test
    void unicodeIsWrittenAsIs() {
        assertEquals("{\"unit\":\"µs\"}", new JsonLine().put("unit", "µs").toString());
    }

    @Test
    void aFieldNameMayAppearOnce() {
        JsonLine json = new JsonLine().put("lost", 0);
        assertThrows(IllegalArgumentException.class, () -> json.put("lost", 1));
    }

    @Test
    void putAllAppendsAnotherObjectsFields() {
        JsonLine shape = new JsonLine().put("publishers", 2).put("subscribers", 200);
        assertEquals("{\"scenario\":\"fanout\",\"publishers\":2,\"subscribers\":200,\"qos\":0}",
                new JsonLine().put("scenario", "fanout").putAll(shape).put("qos", 0).toString());
    }

    @Test
    void anEmptyObjectIsBraces() {
        assertEquals("{}", new JsonLine().toString());
        assertEquals("{\"failures\":{}}", new JsonLine().put("failures", new JsonLine()).toString());
    }
}
