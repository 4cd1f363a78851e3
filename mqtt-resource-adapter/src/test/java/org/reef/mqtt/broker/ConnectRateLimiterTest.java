package org.reef.mqtt.broker;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-address token bucket, on a clock the test moves (no sleeping). */
class ConnectRateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Starts far from 0 and near the end of the long range, so that comparisons must survive a wrap. */
    private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 5 * SECOND);

    private ConnectRateLimiter limiter(int rate, int burst, int maxTracked) {
        return new ConnectRateLimiter(rate, burst, maxTracked, clock::get);
    }

    private static InetSocketAddress address(String ip, int port) {
        return new InetSocketAddress(ip, port); // literal addresses: no name lookup
    }

    @Test
    void anAddressGetsItsBurstThenIsRefused() {
        ConnectRateLimiter limiter = limiter(2, 3, 100);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.tryAcquire(address("192.0.2.1", 40_000 + i)), "connection " + (i + 1));
        }
        assertFalse(limiter.tryAcquire(address("192.0.2.1", 40_100)), "the port does not make another address");
        assertFalse(limiter.tryAcquire(address("192.0.2.1", 40_101)), "a refusal does not use up anything");
    }

    @Test
    void otherAddressesAreNotAffected() {
        ConnectRateLimiter limiter = limiter(1, 1, 100);
        assertTrue(limiter.tryAcquire(address("192.0.2.1", 1)));
        assertFalse(limiter.tryAcquire(address("192.0.2.1", 2)));
        assertTrue(limiter.tryAcquire(address("192.0.2.2", 1)));
        assertTrue(limiter.tryAcquire(address("2001:db8::1", 1)));
        assertFalse(limiter.tryAcquire(address("2001:db8:0:0:0:0:0:1", 2)), "the same IPv6 address, spelt longer");
        assertTrue(limiter.tryAcquire(address("2001:db8::2", 1)));
    }

    @Test
    void theBucketRefillsAtTheRate() {
        ConnectRateLimiter limiter = limiter(4, 2, 100); // one connection per 250 ms
        InetSocketAddress a = address("192.0.2.1", 1);
        assertTrue(limiter.tryAcquire(a));
        assertTrue(limiter.tryAcquire(a));
        assertFalse(limiter.tryAcquire(a));
        clock.addAndGet(SECOND / 4 - 1);
        assertFalse(limiter.tryAcquire(a), "not quite one interval later");
        clock.addAndGet(1);
        assertTrue(limiter.tryAcquire(a), "one interval refills one connection");
        assertFalse(limiter.tryAcquire(a));
        clock.addAndGet(10 * SECOND);
        assertTrue(limiter.tryAcquire(a));
        assertTrue(limiter.tryAcquire(a));
        assertFalse(limiter.tryAcquire(a), "a long pause refills the burst, not more");
    }

    @Test
    void rateZeroAndAddressesWithoutIpAreNotLimited() {
        ConnectRateLimiter off = limiter(0, 1, 100);
        assertFalse(off.isEnabled());
        for (int i = 0; i < 1000; i++) {
            assertTrue(off.tryAcquire(address("192.0.2.1", 1)));
        }
        ConnectRateLimiter on = limiter(1, 1, 100);
        EmbeddedChannel inMemory = new EmbeddedChannel();
        try {
            assertTrue(on.tryAcquire(inMemory.remoteAddress()));
            assertTrue(on.tryAcquire(inMemory.remoteAddress()));
            assertTrue(on.tryAcquire(null));
        } finally {
            inMemory.finishAndReleaseAll();
        }
        assertEquals(0, on.trackedAddresses());
    }

    @Test
    void idleAddressesAreDroppedBySweeps() {
        ConnectRateLimiter limiter = limiter(10, 5, 1000);
        for (int i = 1; i <= 200; i++) {
            assertTrue(limiter.tryAcquire(address("192.0.2." + i, 1)));
        }
        assertEquals(200, limiter.trackedAddresses());
        clock.addAndGet(SECOND);
        assertTrue(limiter.tryAcquire(address("198.51.100.1", 1)), "the first attempt after a second sweeps");
        assertEquals(1, limiter.trackedAddresses(), "only the address that just connected is left");
    }

    @Test
    void aFloodOfAddressesStaysBoundedAndIsPacedTogether() {
        ConnectRateLimiter limiter = limiter(1, 2, 4);
        int admitted = 0;
        for (int i = 1; i <= 100; i++) {
            if (limiter.tryAcquire(address("203.0.113." + i, 1))) {
                admitted++;
            }
        }
        assertEquals(4, limiter.trackedAddresses(), "never more buckets than the bound");
        assertEquals(4 + 2, admitted, "4 tracked addresses, then one shared burst of 2 for all the others");
        assertTrue(limiter.tryAcquire(address("203.0.113.1", 1)), "a tracked address keeps its own allowance");

        clock.addAndGet(5 * SECOND);
        assertTrue(limiter.tryAcquire(address("198.51.100.7", 1)));
        assertEquals(1, limiter.trackedAddresses(), "the sweep made room again");
    }
}
