package org.reef.im.error;

import jakarta.ejb.ApplicationException;

/**
 * A refusal by a business rule: reaches the caller as is (not wrapped by the container).
 *
 * <p>It does not mark the transaction it passes through ({@code rollback = false}): a refusal is a verdict on one
 * request, and the transaction may be shared with others, such as an inbound MQTT batch whose other messages must
 * commit. Whoever began the transaction decides: {@link RefusalRollback} rolls back the transaction of the bean call
 * that began it when a refusal leaves that call, so a REST request refused halfway leaves nothing behind, while a
 * refusal caught by a caller inside the same transaction (the batch listener) changes nothing.
 */
@ApplicationException(rollback = false)
public class ImException extends RuntimeException {

    private final ImError error;

    public ImException(ImError error, String message) {
        super(message);
        this.error = error;
    }

    public ImError error() {
        return error;
    }
}
