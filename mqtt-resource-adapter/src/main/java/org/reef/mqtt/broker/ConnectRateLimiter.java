package org.reef.mqtt.broker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Paces new connections per remote IP address (the port does not count), over all of the broker's listeners: a token
 * bucket of {@code burst} connections per address, refilled at {@code rate} per second. A client that reconnects in
 * a loop, or a script opening connections from one host, is refused early, before authentication reaches the
 * container.
 *
 * <p>The bucket is kept as one number per address, its theoretical arrival time (the generic cell rate algorithm,
 * equivalent to a token bucket): each admitted connection pushes it one interval ({@code 1/rate} s) later, and a
 * connection is refused while it lies more than {@code burst - 1} intervals ahead of now. Once it lies in the past the
 * bucket is full, which is the same as having none: such entries are dropped on a sweep once a second (run by a
 * connection attempt, not a thread), so the map holds only the addresses that connected within the last moments.
 * Every change to an address's entry is atomic ({@link ConcurrentHashMap#compute}), so concurrent event loops never
 * admit more than the bucket holds.
 *
 * <p>The map is bounded: beyond {@link #MAX_TRACKED} addresses (a flood from many addresses, which IPv6 makes cheap),
 * addresses not tracked yet share one bucket of the same rate and burst until sweeps make room. Memory stays bounded
 * and the flood stays paced; known addresses keep their own allowance.
 *
 * <p>Connections without an IP address (in-memory channels) are not limited.
 */
public final class ConnectRateLimiter {

    private static final Logger LOG = Logger.getLogger(ConnectRateLimiter.class.getName());

    /** Most addresses with a bucket of their own; about 100 bytes each. */
    public static final int MAX_TRACKED = 65_536;

    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Nanoseconds per connection; 0: no limit. */
    private final long interval;
    /** How far ahead of now the arrival time may lie and still admit: (burst - 1) intervals. */
    private final long tolerance;
    private final int maxTracked;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<InetAddress, Long> arrivals = new ConcurrentHashMap<>();
    /** The arrival time shared by untracked addresses while the map is full. */
    private final AtomicLong overflow;
    private final AtomicLong nextSweep;
    private volatile boolean overflowing;

    /**
     * @param rate  connections per second per address; 0 for no limit
     * @param burst connections an address may open at once (at least 1)
     */
    public ConnectRateLimiter(int rate, int burst) {
        this(rate, burst, MAX_TRACKED, System::nanoTime);
    }

    /** With another bound and clock, for tests. */
    ConnectRateLimiter(int rate, int burst, int maxTracked, LongSupplier nanoClock) {
        if (rate < 0 || burst < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("rate must be 0 or more, burst and maxTracked 1 or more: " + rate
                    + ", " + burst + ", " + maxTracked);
        }
        this.interval = rate == 0 ? 0 : Math.max(1, TimeUnit.SECONDS.toNanos(1) / rate);
        this.tolerance = (burst - 1) * interval;
        this.maxTracked = maxTracked;
        this.nanoClock = nanoClock;
        long now = nanoClock.getAsLong();
        this.overflow = new AtomicLong(now);
        this.nextSweep = new AtomicLong(now + SWEEP_INTERVAL_NANOS);
    }

    /** Whether connections are limited at all. */
    public boolean isEnabled() {
        return interval > 0;
    }

    /**
     * Counts a connection attempt from {@code remote} against its address's allowance. Any thread; never blocks.
     *
     * @return true if it may proceed, false if the address is over its rate
     */
    public boolean tryAcquire(SocketAddress remote) {
        if (interval == 0 || !(remote instanceof InetSocketAddress socket) || socket.getAddress() == null) {
            return true;
        }
        InetAddress address = socket.getAddress();
        long now = nanoClock.getAsLong();
        sweepIfDue(now);
        if (arrivals.size() >= maxTracked && !arrivals.containsKey(address)) {
            return acquireShared(now);
        }
        boolean[] admitted = new boolean[1];
        arrivals.compute(address, (key, arrival) -> {
            long start = arrival == null || arrival - now < 0 ? now : arrival;
            if (start - now > tolerance) {
                return arrival; // refused: the bucket stays as it is
            }
            admitted[0] = true;
            return start + interval;
        });
        return admitted[0];
    }

    /** The bucket of the addresses that found the map full. */
    private boolean acquireShared(long now) {
        if (!overflowing) {
            overflowing = true;
            LOG.log(Level.WARNING, "Connections from more than {0} addresses within moments: new addresses share one "
                    + "connection allowance until the flood passes", maxTracked);
        }
        while (true) {
            long arrival = overflow.get();
            long start = arrival - now < 0 ? now : arrival;
            if (start - now > tolerance) {
                return false;
            }
            if (overflow.compareAndSet(arrival, start + interval)) {
                return true;
            }
        }
    }

    /** At most once per interval, by whichever attempt comes first: drops the buckets that are full again. */
    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_INTERVAL_NANOS)) {
            sweep(now);
        }
    }

    /**
     * Removes every entry whose arrival time has passed (a full bucket). The removal is conditional on the value seen,
     * so an entry that a concurrent attempt just changed stays.
     */
    void sweep(long now) {
        arrivals.values().removeIf(arrival -> arrival - now <= 0);
        if (overflowing && arrivals.size() < maxTracked) {
            overflowing = false;
            LOG.info("Connection rate limiting tracks every address again");
        }
    }

    /** Addresses with a bucket of their own, for tests. */
    int trackedAddresses() {
        return arrivals.size();
    }
}
