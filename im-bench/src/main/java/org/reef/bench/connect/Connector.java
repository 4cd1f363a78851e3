package org.reef.bench.connect;

import org.reef.bench.client.ClientSettings;
import org.reef.bench.client.ClientTransport;
import org.reef.bench.client.MessageListener;
import org.reef.bench.client.MqttClient;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.RatePacer;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Opens many connections at a set rate, with a bound on how many handshakes are pending at once: a server that
 * slows down then sees a steady trickle, not a pile of thousands of simultaneous CONNECTs, and the tool's own
 * memory stays bounded. Runs on the caller's thread; the handshakes complete on the event loops.
 */
public final class Connector {

    private final ClientTransport transport;
    private final RatePacer pacer;
    private final int maxPending;
    private final Progress progress;

    /**
     * @param ratePerSecond 0 for as fast as {@code maxPending} allows
     */
    public Connector(ClientTransport transport, double ratePerSecond, int maxPending, Progress progress) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1");
        }
        this.transport = transport;
        this.pacer = ratePerSecond > 0 ? new RatePacer(ratePerSecond) : null;
        this.maxPending = maxPending;
        this.progress = progress;
    }

    /**
     * Connects one client per settings entry; gives up starting new ones at the deadline, and waits for started ones
     * no longer than that either (each fails on its own connect timeout anyway).
     */
    public ConnectOutcome connectAll(List<ClientSettings> settings, IntFunction<MessageListener> listeners,
                                     Deadline deadline) throws InterruptedException {
        int count = settings.size();
        AtomicReferenceArray<MqttClient> clients = new AtomicReferenceArray<>(count);
        FailureTally failures = new FailureTally();
        LatencyRecorder latency = new LatencyRecorder();
        Semaphore pending = new Semaphore(maxPending);
        CountDownLatch done = new CountDownLatch(count);
        long origin = System.nanoTime();
        AtomicLong lastConnected = new AtomicLong(origin);
        long nextReport = origin + TimeUnit.SECONDS.toNanos(1);
        int attempted = 0;
        for (int i = 0; i < count; i++) {
            if (pacer != null) {
                deadline.sleepUntil(origin + pacer.offsetNanos(i));
            }
            if (deadline.expired() || !pending.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                break;
            }
            attempted++;
            int index = i;
            long started = System.nanoTime();
            transport.connect(settings.get(i), listeners.apply(i)).whenComplete((client, failure) -> {
                long now = System.nanoTime();
                pending.release();
                if (failure == null) {
                    clients.set(index, client);
                    latency.recordNanos(now - started);
                    lastConnected.accumulateAndGet(now, (last, next) -> next - last > 0 ? next : last);
                } else {
                    failures.add(failure);
                }
                done.countDown();
            });
            if (progress != null && System.nanoTime() - nextReport > 0) {
                progress.say("connecting: %d of %d started, %d pending", attempted, count,
                        maxPending - pending.availablePermits());
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
        }
        for (int skipped = attempted; skipped < count; skipped++) {
            failures.add("not attempted before the deadline");
            done.countDown();
        }
        if (!done.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
            for (long unknown = done.getCount(); unknown > 0; unknown--) {
                failures.add("no outcome before the deadline");
            }
        }
        MqttClient[] snapshot = new MqttClient[count];
        Arrays.setAll(snapshot, clients::get);
        long elapsed = lastConnected.get() - origin;
        return new ConnectOutcome(Collections.unmodifiableList(Arrays.asList(snapshot)), attempted, failures,
                latency.summary(), elapsed);
    }
}
