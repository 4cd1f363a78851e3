package org.reef.web.dto;

import java.time.Instant;

/** A bearer token, for {@code Authorization: Bearer} and as the MQTT password. */
public record TokenView(String token, Instant expiresAt) {
}
