package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** Runs one call into the container as a Work and hands back its result as a stage, so no caller ever waits. */
final class ContainerCalls {

    private ContainerCalls() {
    }

    /** Submits the call in a lane; a refusal completes the stage exceptionally with the refusal. */
    static <R> CompletionStage<R> submit(WorkManager workManager, WorkLane lane, Callable<R> call) {
        CompletableFuture<R> result = new CompletableFuture<>();
        submit(workManager, lane, call, result, result::completeExceptionally);
        return result;
    }

    /**
     * Submits the call in a lane; if the Work will never run (refused now or later), {@code refused} is told instead
     * of the stage, which then never completes.
     */
    static <R> CompletionStage<R> submitOrElse(WorkManager workManager, WorkLane lane, Callable<R> call,
                                               Consumer<Exception> refused) {
        CompletableFuture<R> result = new CompletableFuture<>();
        submit(workManager, lane, call, result, refused);
        return result;
    }

    private static <R> void submit(WorkManager workManager, WorkLane lane, Callable<R> call,
                                   CompletableFuture<R> result, Consumer<Exception> refused) {
        try {
            workManager.scheduleWork(new Call<>(lane, call, result, refused));
        } catch (WorkException | RuntimeException e) {
            refused.accept(e);
        }
    }

    private record Call<R>(WorkLane lane, Callable<R> call, CompletableFuture<R> result,
                           Consumer<Exception> refused) implements RejectableWork, LanedWork {

        @Override
        public void run() {
            try {
                result.complete(call.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        }

        @Override
        public void rejected(Exception cause) {
            refused.accept(cause);
        }

        @Override
        public void release() {
            // a single short call: nothing to interrupt
        }
    }
}
