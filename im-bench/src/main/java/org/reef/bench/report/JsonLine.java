package org.reef.bench.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON object written on one line: the machine-readable result of a run, which scripts find as the one line of
 * output that starts with {@code {}. Fields keep the order they were put in and a name may appear once, so the
 * output is stable from run to run. Numbers are written as plain decimals (three decimals at most); NaN and
 * infinities, which JSON has no words for, become null.
 */
public final class JsonLine {

    private final List<Map.Entry<String, String>> fields = new ArrayList<>();

    public JsonLine put(String name, String value) {
        return field(name, value == null ? "null" : quote(value));
    }

    public JsonLine put(String name, long value) {
        return field(name, Long.toString(value));
    }

    public JsonLine put(String name, double value) {
        return field(name, number(value));
    }

    public JsonLine put(String name, boolean value) {
        return field(name, Boolean.toString(value));
    }

    /** A whole number that may be unknown, e.g. a percentile of an empty histogram. */
    public JsonLine putNullable(String name, Long value) {
        return field(name, value == null ? "null" : value.toString());
    }

    public JsonLine put(String name, JsonLine object) {
        return field(name, object.toString());
    }

    /** Appends every field of another object, e.g. the shape of a scenario. */
    public JsonLine putAll(JsonLine other) {
        other.fields.forEach(field -> field(field.getKey(), field.getValue()));
        return this;
    }

    private JsonLine field(String name, String rendered) {
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equals(name)) {
                throw new IllegalArgumentException("field " + name + " already written");
            }
        }
        fields.add(Map.entry(name, rendered));
        return this;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(fields.get(i).getKey())).append(':').append(fields.get(i).getValue());
        }
        return out.append('}').toString();
    }

    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /**
     * A JSON string (RFC 8259 §7): quote, backslash and control characters are escaped; everything else is written
     * as is. Public for the request bodies the IM scenarios write.
     */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
