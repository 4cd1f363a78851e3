package org.reef.web.dto;

import java.util.List;

/**
 * A list response: {@code {"items":[...],"next":null}}; {@code next} is the cursor of the following page, if any.
 */
public record Page<T>(List<T> items, String next) {
}
