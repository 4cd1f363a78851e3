package org.reef.mqtt.protocol;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Lets one connection have at most a few calls into the container (subscription checks) outstanding at once; the
 * others wait here, in order, and start as earlier ones complete (security review F6). One SUBSCRIBE of many guarded
 * filters thus takes a few places of the adapter's work queue at a time instead of filling it. What waits is bounded
 * by the filters of one SUBSCRIBE, since the connection reads nothing more until its SUBACK is sent.
 *
 * <p>Thread-safe: calls start on the event loop and complete on container threads.
 */
public final class ContainerCallGate {

    private final int maxPending;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int pending;

    public ContainerCallGate(int maxPending) {
        this.maxPending = maxPending;
    }

    /** Starts the call now if fewer than the maximum are outstanding, else when a place frees. */
    public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> started;
            try {
                started = call.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((value, failure) -> {
                next();
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            });
        };
        boolean now;
        synchronized (this) {
            now = pending < maxPending;
            if (now) {
                pending++;
            } else {
                waiting.add(start);
            }
        }
        if (now) {
            start.run();
        }
        return result;
    }

    private void next() {
        Runnable following;
        synchronized (this) {
            following = waiting.poll();
            if (following == null) {
                pending--;
            }
        }
        if (following != null) {
            following.run();
        }
    }
}
