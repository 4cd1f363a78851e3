package org.reef.web.dto;

import jakarta.json.bind.annotation.JsonbNillable;

import java.util.List;

/**
 * A list response: {@code {"items":[...],"next":null}}; {@code next} is the cursor of the following page, if any.
 */
@JsonbNillable
public record Page<T>(List<T> items, String next) {
}
