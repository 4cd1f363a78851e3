package org.reef.bench.run;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A point in {@link System#nanoTime()} time that a phase must not outlive. Every wait of the tool goes through one,
 * so no wait is unbounded and a slow or dead server turns into an error message, not a hang.
 */
public final class Deadline {

    private final long atNanos;

    private Deadline(long atNanos) {
        this.atNanos = atNanos;
    }

    public static Deadline in(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    public static Deadline atNanos(long nanos) {
        return new Deadline(nanos);
    }

    /** The earlier of this deadline and one {@code duration} from now. */
    public Deadline within(Duration duration) {
        long other = System.nanoTime() + duration.toNanos();
        return other - atNanos < 0 ? new Deadline(other) : this;
    }

    public long remainingNanos() {
        return Math.max(0, atNanos - System.nanoTime());
    }

    public boolean expired() {
        return atNanos - System.nanoTime() <= 0;
    }

    /** Sleeps until {@code nanos} or this deadline, whichever comes first. */
    public void sleepUntil(long nanos) throws InterruptedException {
        long until = nanos - atNanos < 0 ? nanos : atNanos;
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /**
     * Waits for a future.
     *
     * @param what names the phase in the error, e.g. "SUBACK for bench/x/pair/3"
     */
    public <T> T await(CompletableFuture<T> future, String what) throws BenchException, InterruptedException {
        try {
            return future.get(remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new BenchException(what + ": no answer before the deadline");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new BenchException(what + " failed: " + FailureReason.of(cause), cause);
        }
    }
}
