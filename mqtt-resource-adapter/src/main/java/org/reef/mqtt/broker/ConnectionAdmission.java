package org.reef.mqtt.broker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the open connections, in total and per remote IP address, from the moment they are accepted until they
 * close, authenticated or not (security review F3): a flood of connections that never send CONNECT is bounded by the
 * same caps as real clients. Thread-safe; every accepted connection that was {@linkplain #admit admitted} must be
 * {@linkplain #release released} exactly once when it closes.
 */
public final class ConnectionAdmission {

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /**
     * @param maxConnections connections at once over all addresses (0: no limit)
     * @param maxPerAddress  connections at once from one IP address (0: no limit)
     */
    public ConnectionAdmission(int maxConnections, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a place for a new connection, or returns false (and takes nothing) when a cap is reached. */
    public boolean admit(SocketAddress remote) {
        if (maxConnections > 0 && total.incrementAndGet() > maxConnections) {
            total.decrementAndGet();
            return false;
        } else if (maxConnections <= 0) {
            total.incrementAndGet();
        }
        InetAddress address = addressOf(remote);
        if (address == null) {
            return true;
        }
        boolean[] admitted = {true};
        perAddress.compute(address, (key, count) -> {
            AtomicInteger current = count == null ? new AtomicInteger() : count;
            if (maxPerAddress > 0 && current.get() >= maxPerAddress) {
                admitted[0] = false;
            } else {
                current.incrementAndGet();
            }
            return current.get() == 0 ? null : current;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
        }
        return admitted[0];
    }

    /** Gives back the place of a connection that was admitted and has closed. */
    public void release(SocketAddress remote) {
        total.decrementAndGet();
        InetAddress address = addressOf(remote);
        if (address != null) {
            perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }

    /** Open connections counted. */
    public int total() {
        return total.get();
    }

    /** Open connections from one address. */
    public int from(InetAddress address) {
        AtomicInteger count = perAddress.get(address);
        return count == null ? 0 : count.get();
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
