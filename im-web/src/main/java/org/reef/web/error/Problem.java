package org.reef.web.error;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URI per kind of problem that clients may switch on.
 */
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
