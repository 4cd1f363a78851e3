package org.reef.im.error;

/**
 * A refusal that a client may retry after a delay it is told: HTTP answers it with {@code Retry-After}. Kept apart
 * from {@link ImException} so that the base refusal stays a plain (code, message) pair.
 */
public class RetryLaterException extends ImException {

    private final long retryAfterSeconds;

    public RetryLaterException(ImError error, String message, long retryAfterSeconds) {
        super(error, message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** Whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
