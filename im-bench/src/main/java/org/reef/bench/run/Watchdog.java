package org.reef.bench.run;

import java.time.Duration;

/**
 * The last line of defence against a hang: when a run outlives the sum of its bounded phases plus a grace period,
 * the watchdog reports the failure and ends the process. Each phase has its own bound already; this one catches
 * the bug that slipped past them.
 */
public final class Watchdog {

    private final Thread thread;

    private Watchdog(Thread thread) {
        this.thread = thread;
    }

    /** Runs {@code onExpiry} on a daemon thread after {@code limit}, unless disarmed first. */
    public static Watchdog arm(Duration limit, Runnable onExpiry) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException disarmed) {
                return;
            }
            onExpiry.run();
        }, "bench-watchdog");
        thread.setDaemon(true);
        thread.start();
        return new Watchdog(thread);
    }

    public void disarm() {
        thread.interrupt();
    }
}
