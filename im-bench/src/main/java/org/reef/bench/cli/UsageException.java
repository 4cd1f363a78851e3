package org.reef.bench.cli;

/** The command line asks for something the tool cannot do; the message says what and how to fix it. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
