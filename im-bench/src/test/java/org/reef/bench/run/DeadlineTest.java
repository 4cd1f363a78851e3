package org.reef.bench.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.bench.client.ConnectionRefusedException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlineTest {

    @Test
    @Timeout(5)
    void aFutureThatNeverCompletesEndsInAnErrorAtTheDeadline() {
        Deadline deadline = Deadline.in(Duration.ofMillis(100));
        BenchException late = assertThrows(BenchException.class,
                () -> deadline.await(new CompletableFuture<>(), "SUBACK for a/b"));
        assertEquals("SUBACK for a/b: no answer before the deadline", late.getMessage());
        assertTrue(deadline.expired());
    }

    @Test
    void aFailedFutureSaysWhyInAFewWords() {
        CompletableFuture<Void> refused = CompletableFuture.failedFuture(
                new ConnectionRefusedException(CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD));
        BenchException failure = assertThrows(BenchException.class,
                () -> Deadline.in(Duration.ofSeconds(5)).await(refused, "connecting c1"));
        assertEquals("connecting c1 failed: CONNACK refused: CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD (0x04)",
                failure.getMessage());
    }

    @Test
    @Timeout(5)
    void sleepingStopsAtTheDeadline() throws InterruptedException {
        Deadline deadline = Deadline.in(Duration.ofMillis(50));
        long start = System.nanoTime();
        deadline.sleepUntil(start + TimeUnit.SECONDS.toNanos(60));
        long slept = System.nanoTime() - start;
        assertTrue(slept >= TimeUnit.MILLISECONDS.toNanos(45) && slept < TimeUnit.SECONDS.toNanos(2),
                "slept " + slept + " ns");
    }

    @Test
    void withinTakesTheEarlierBound() {
        Deadline far = Deadline.in(Duration.ofHours(1));
        assertTrue(far.within(Duration.ofMillis(10)).remainingNanos() <= TimeUnit.MILLISECONDS.toNanos(10));
        Deadline near = Deadline.in(Duration.ofMillis(10));
        assertTrue(near.within(Duration.ofHours(1)).remainingNanos() <= TimeUnit.MILLISECONDS.toNanos(10));
    }
}
