package org.reef.bench.flow;

import io.netty.buffer.ByteBuf;
import org.reef.bench.client.MqttClient;
import org.reef.bench.client.PublishListener;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.PublishLog;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives one client's publications on its event loop, never blocking it.
 *
 * <p>The pump sends while it may: while messages are due (paced) or time is left (flat out), the socket is
 * writable, and a QoS 1 publication has room in the in-flight window. Whatever stopped it wakes it again: the
 * client's ready signal (a PUBACK, writability regained) or a timer for the next due message. It yields to other
 * channels of the event loop after a batch, so one fast publisher cannot starve the others sharing its thread.
 */
public final class Publisher implements PublishListener {

    /** Messages per pump before yielding the event loop (and the flush that goes with them). */
    static final int BATCH = 64;

    private final MqttClient client;
    private final PublishPlan plan;
    private final PublishLog log;
    private final LatencyRecorder pacingLag;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private int next;
    private int outstanding;
    private boolean stopped;
    private boolean timerArmed;
    private boolean yieldQueued;

    /**
     * @param pacingLag where a paced publisher records how late it sent each measured message (the tool's own
     *                  share of the latency: timer granularity, a busy event loop); null to skip
     */
    public Publisher(MqttClient client, PublishPlan plan, PublishLog log, LatencyRecorder pacingLag) {
        this.client = client;
        this.plan = plan;
        this.log = log;
        this.pacingLag = pacingLag;
    }

    public void start() {
        client.eventLoop().execute(() -> {
            client.onReady(this::pump);
            pump();
        });
    }

    /** Stops publishing now, whatever the plan said; in-flight publications still complete. */
    public void stop() {
        client.eventLoop().execute(this::halt);
    }

    /** Completes once the publisher has stopped and none of its publications is in flight. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    public int sent() {
        return next;
    }

    private void pump() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        int budget = BATCH;
        boolean wrote = false;
        while (true) {
            if (!client.isOpen() || next >= plan.maxMessages()) {
                halt();
                break;
            }
            long stamp;
            if (plan.pacer() != null) {
                stamp = plan.originNanos() + plan.pacer().offsetNanos(next);
                if (stamp >= plan.stopNanos()) {
                    halt();
                    break;
                }
                if (stamp > now) {
                    armTimer(stamp - now);
                    break;
                }
            } else {
                if (now >= plan.stopNanos()) {
                    halt();
                    break;
                }
                stamp = now;
            }
            if (!client.isWritable() || !client.hasWindowFor(plan.qos())) {
                break; // the ready signal pumps again
            }
            if (budget-- == 0) {
                yieldLoop();
                break;
            }
            send(next++, stamp);
            wrote = true;
            if (plan.pacer() == null) {
                now = System.nanoTime();
            }
        }
        if (wrote) {
            client.flush();
        }
        if (!stopped && plan.pacer() == null && !timerArmed && plan.stopNanos() != Long.MAX_VALUE) {
            // flat out and waiting for the window or the socket: still stop on time if they never come back
            armTimer(Math.max(0, plan.stopNanos() - now));
        }
    }

    private void send(int seq, long stamp) {
        ByteBuf payload = plan.format().encode(client.alloc(), new Stamp(plan.stream(), seq, stamp), plan.size());
        outstanding++;
        if (log.sent(seq, stamp) && pacingLag != null && plan.pacer() != null) {
            pacingLag.recordNanos(System.nanoTime() - stamp);
        }
        client.publish(plan.topic(), plan.qos(), payload, seq, this);
    }

    @Override
    public void published(long token, boolean success) {
        outstanding--;
        if (success) {
            log.completed((int) token, System.nanoTime());
        } else {
            log.failed((int) token);
        }
        finishIfDone();
    }

    private void armTimer(long delayNanos) {
        if (timerArmed) {
            return;
        }
        timerArmed = true;
        client.eventLoop().schedule(() -> {
            timerArmed = false;
            pump();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void yieldLoop() {
        if (yieldQueued) {
            return;
        }
        yieldQueued = true;
        client.eventLoop().execute(() -> {
            yieldQueued = false;
            pump();
        });
    }

    private void halt() {
        stopped = true;
        client.onReady(null);
        finishIfDone();
    }

    private void finishIfDone() {
        if (stopped && outstanding == 0) {
            finished.complete(null);
        }
    }
}
