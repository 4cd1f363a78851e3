package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Runs one call into the container as a Work and hands back its result as a stage, so no caller ever waits. */
final class ContainerCalls {

    private ContainerCalls() {
    }

    static <R> CompletionStage<R> submit(WorkManager workManager, Callable<R> call) {
        CompletableFuture<R> result = new CompletableFuture<>();
        try {
            workManager.scheduleWork(new RejectableWork() {
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
                    result.completeExceptionally(cause);
                }

                @Override
                public void release() {
                    // a single short call: nothing to interrupt
                }
            });
        } catch (WorkException | RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
