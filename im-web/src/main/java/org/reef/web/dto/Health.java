package org.reef.web.dto;

/**
 * Health of the server's parts: {@code UP} or {@code DOWN} each, {@code status} UP only if all are.
 */
public record Health(String status, String database, String mqtt) {
}
