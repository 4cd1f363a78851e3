package org.reef.bench.run;

/**
 * A run that cannot produce its figures (the server refused the subscribers, a phase overran its bound). The
 * message goes into the report's {@code error} field as is, so it says what failed and, where known, why.
 */
public final class BenchException extends Exception {

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
