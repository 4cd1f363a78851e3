package org.reef.bench.run;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchdogTest {

    @Test
    void firesWhenTheRunOverruns() throws InterruptedException {
        CountDownLatch fired = new CountDownLatch(1);
        Watchdog.arm(Duration.ofMillis(20), fired::countDown);
        assertTrue(fired.await(5, TimeUnit.SECONDS));
    }

    @Test
    void staysQuietOnceDisarmed() throws InterruptedException {
        CountDownLatch fired = new CountDownLatch(1);
        Watchdog.arm(Duration.ofMillis(200), fired::countDown).disarm();
        assertFalse(fired.await(400, TimeUnit.MILLISECONDS));
    }
}
