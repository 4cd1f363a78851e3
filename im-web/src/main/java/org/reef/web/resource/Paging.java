package org.reef.web.resource;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: {@code ?limit=&cursor=} in, {@code {"items":[...],"next":<cursor or null>}} out. The cursor is
 * opaque to clients (it is the position of the page's first item); a limit outside 1 to the list's maximum, or a
 * cursor that is not one of ours, is {@code invalid}.
 *
 * @param offset where the page starts
 * @param limit  how many items it has at most
 */
record Paging(int offset, int limit) {

    /** The page a request asks for. */
    static Paging of(String limit, String cursor, int defaultLimit, int maxLimit) {
        int size = limit == null || limit.isBlank() ? defaultLimit : number("limit", limit);
        if (size < 1 || size > maxLimit) {
            throw new ImException(ImError.INVALID, "limit must be between 1 and " + maxLimit);
        }
        return new Paging(cursor == null || cursor.isBlank() ? 0 : number("cursor", cursor), size);
    }

    /** How many items to fetch: one more than the page, to know whether another page follows. */
    int fetch() {
        return limit + 1;
    }

    /** The page from what was fetched (at most {@link #fetch()} items). */
    <T> JsonObject page(List<T> fetched, Function<T, JsonValue> json) {
        JsonArrayBuilder items = Json.createArrayBuilder();
        fetched.stream().limit(limit).map(json).forEach(items::add);
        return Json.createObjectBuilder().add("items", items)
                .add("next", fetched.size() > limit ? Json.createValue(String.valueOf(offset + limit)) : JsonValue.NULL)
                .build();
    }

    private static int number(String name, String text) {
        try {
            int value = Integer.parseInt(text.strip());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ImException(ImError.INVALID, name + " must be a non-negative number");
        }
    }
}
