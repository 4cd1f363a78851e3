package org.reef.im.error;

import jakarta.ejb.ApplicationException;

/**
 * A refusal by a business rule: reaches the caller as is (not wrapped by the container) and rolls the transaction
 * back, so nothing half-done remains.
 */
@ApplicationException(rollback = true)
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
