package org.reef.bench.run;

import org.reef.bench.client.ConnectionRefusedException;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Names a failure in a few words, so that a thousand failed connections tally into a handful of reasons
 * ("TCP connect refused: 1000") instead of a thousand stack traces.
 */
public final class FailureReason {

    private FailureReason() {
    }

    public static String of(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConnectionRefusedException refused) {
            return refused.getMessage();
        }
        if (cause instanceof ConnectException) {
            return "TCP connect refused";
        }
        if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "timeout";
        }
        if (cause instanceof ClosedChannelException) {
            return "connection closed";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
