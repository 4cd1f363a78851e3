package org.reef.web.resource;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.util.ArrayList;
import java.util.List;

/** Reads fields of JSON request bodies, answering {@code invalid} for a missing body or a field of the wrong type. */
final class JsonBodies {

    private JsonBodies() {
    }

    static JsonObject required(JsonObject body) {
        if (body == null) {
            throw new ImException(ImError.INVALID, "a JSON object body is required");
        }
        return body;
    }

    /** A string field, or null when absent. */
    static String string(JsonObject body, String name) {
        JsonValue value = required(body).get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new ImException(ImError.INVALID, name + " must be a string");
        }
        return string.getString();
    }

    /** An integer field, or null when absent. */
    static Integer integer(JsonObject body, String name) {
        JsonValue value = required(body).get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw new ImException(ImError.INVALID, name + " must be an integer");
        }
        try {
            return number.intValueExact();
        } catch (ArithmeticException e) {
            throw new ImException(ImError.INVALID, name + " is out of range");
        }
    }

    /** An array of strings, at most {@code max} of them; empty when absent. */
    static List<String> strings(JsonObject body, String name, int max) {
        JsonValue value = required(body).get(name);
        if (value == null || value == JsonValue.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new ImException(ImError.INVALID, name + " must be an array of strings");
        }
        if (array.size() > max) {
            throw new ImException(ImError.GROUP_FULL, name + " has more than " + max + " entries");
        }
        List<String> result = new ArrayList<>(array.size());
        for (JsonValue item : array) {
            if (!(item instanceof JsonString string)) {
                throw new ImException(ImError.INVALID, name + " must be an array of strings");
            }
            result.add(string.getString());
        }
        return result;
    }
}
