package org.reef.mqtt.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.mqtt.session.Session;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber that stops reading its socket must not hold up publishers or other subscribers (MQTT 5.0 section 4.9;
 * Reef's drop policy in {@link org.reef.mqtt.session.OutboundQueue}): its own queue stays within maxQueued, and what
 * it loses is counted.
 */
@Timeout(value = 15, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowConsumerTest extends BrokerTestBase {

    private static final int MAX_QUEUED = 100;
    /** Messages published between two checks that the fast subscriber keeps up. */
    private static final int BURST = 50;

    @BeforeEach
    void start() throws InterruptedException {
        start(TestConfig.defaults().maxQueued(MAX_QUEUED).build());
    }

    /** QoS 1 deliveries fill the stalled client's window (64) first, then its queue. */
    @Test
    void aStalledSubscriberDoesNotHoldUpAQos0AndQos1Flood() throws Exception {
        flood(MqttQoS.AT_LEAST_ONCE, true, 4_000, 512);
    }

    /**
     * QoS 0 needs no window: the stalled connection must turn unwritable first, once the kernel buffers are full
     * (a few MB on loopback), hence 8 MB here.
     */
    @Test
    void aStalledSubscriberDoesNotHoldUpAQos0Flood() throws Exception {
        flood(MqttQoS.AT_MOST_ONCE, false, 2_000, 4_096);
    }

    /**
     * A raw subscriber with a tiny receive buffer subscribes and stops reading; a publisher floods in bursts of
     * {@value #BURST}, each followed by a bounded wait for the fast subscriber to have everything so far (so the test
     * fails if the stalled client holds up the event loop, the publisher or the fast subscriber); the stalled
     * session's queue is sampled throughout and never exceeds maxQueued; then the stalled client drains its socket, and
     * what it got plus what was counted as dropped is everything.
     */
    private void flood(MqttQoS slowSubscriptionQos, boolean mixedQos, int messages, int payloadSize)
            throws Exception {
        try (RawMqtt5Client slow = RawMqtt5Client.openWithReceiveBuffer(broker.port(), 4_096)) {
            slow.connect(RawMqtt5Client.connect5("stalled", true).build());
            Mqtt5PublishTest.subscribe(slow, "flood/#", slowSubscriptionQos);
            Session stalled = broker.broker().sessions().get("stalled");
            assertNotNull(stalled);

            // The fast subscriber records the sequence numbers it got.
            BitSet fastGot = new BitSet(messages);
            int expected = messages;
            AtomicInteger fastCount = new AtomicInteger();
            CountDownLatch fastAll = new CountDownLatch(1);
            Mqtt5BlockingClient fast = hive.client("fast");
            fast.toAsync().publishes(MqttGlobalPublishFilter.ALL, publish -> {
                int seq = ByteBuffer.wrap(publish.getPayloadAsBytes()).getInt();
                synchronized (fastGot) {
                    if (!fastGot.get(seq)) {
                        fastGot.set(seq);
                        if (fastCount.incrementAndGet() == expected) {
                            fastAll.countDown();
                        }
                    }
                }
            });
            fast.connectWith().cleanStart(true).send();
            fast.subscribeWith().topicFilter("flood/#").qos(MqttQos.AT_LEAST_ONCE).send();

            // Sample the stalled session's queue on its own executor while the flood runs.
            AtomicInteger maxQueued = new AtomicInteger();
            AtomicInteger maxInflight = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        Hive5.onSession(stalled, () -> {
                            maxQueued.accumulateAndGet(stalled.queuedCount(), Math::max);
                            maxInflight.accumulateAndGet(stalled.inflightCount(), Math::max);
                        });
                        TimeUnit.MILLISECONDS.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "stalled-session-sampler");
            sampler.setDaemon(true);
            sampler.start();

            Mqtt5AsyncClient publisher = hive.connect("flooder").toAsync();
            long started = System.nanoTime();
            boolean fastKeptUp = true;
            for (int first = 0; first < messages && fastKeptUp; first += BURST) {
                List<CompletableFuture<?>> sent = new ArrayList<>(BURST);
                int end = Math.min(messages, first + BURST);
                for (int i = first; i < end; i++) {
                    byte[] payload = new byte[payloadSize];
                    ByteBuffer.wrap(payload).putInt(i);
                    MqttQos qos = mixedQos && i % 2 == 1 ? MqttQos.AT_LEAST_ONCE : MqttQos.AT_MOST_ONCE;
                    sent.add(publisher.publishWith().topic("flood/" + (i % 8)).qos(qos).payload(payload).send());
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
                fastKeptUp = Hive5.await(() -> fastCount.get() >= end, 5_000);
            }
            long publishMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            boolean fastGotAll = fastKeptUp && fastAll.await(5, TimeUnit.SECONDS);
            sampling.set(false);
            sampler.join(2_000);

            AtomicInteger queued = new AtomicInteger();
            AtomicInteger inflight = new AtomicInteger();
            AtomicLong dropped = new AtomicLong();
            Hive5.onSession(stalled, () -> {
                queued.set(stalled.queuedCount());
                inflight.set(stalled.inflightCount());
                dropped.set(stalled.droppedCount());
            });
            String state = "publish took " + publishMillis + " ms; fast subscriber got " + fastCount.get() + "/"
                    + messages + "; stalled session: queued " + queued + " (max seen " + maxQueued + "), inflight "
                    + inflight + " (max seen " + maxInflight + "), dropped " + dropped;

            assertTrue(fastGotAll, "the fast subscriber got every message; " + state);
            assertTrue(maxQueued.get() <= MAX_QUEUED, "queue within maxQueued; " + state);
            assertTrue(queued.get() <= MAX_QUEUED, state);
            assertTrue(maxInflight.get() <= broker.broker().config().maxInflight(), state);
            assertTrue(dropped.get() > 0, "the stalled subscriber lost messages and they were counted; " + state);

            // Now the stalled client reads: what it gets plus what was dropped is every message, none twice.
            int slowGot = drain(slow, messages);
            AtomicLong droppedAfter = new AtomicLong();
            Hive5.onSession(stalled, () -> droppedAfter.set(stalled.droppedCount()));
            assertEquals(messages, slowGot + droppedAfter.get(),
                    "received " + slowGot + " + dropped " + droppedAfter.get() + " = all; " + state);
            assertEquals(droppedAfter.get(), broker.broker().metrics().queueDropCount(),
                    "the broker counts the drops too");
        }
    }

    /** Reads (and acknowledges) until nothing arrives for 1 s; returns the number of distinct messages. */
    private static int drain(RawMqtt5Client slow, int messages) throws Exception {
        BitSet got = new BitSet(messages);
        int duplicates = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        try {
            MqttMessage message;
            while (System.nanoTime() < deadline && (message = slow.next(1_000)) != null) {
                if (message instanceof MqttPublishMessage publish) {
                    int seq = publish.payload().getInt(publish.payload().readerIndex());
                    if (got.get(seq)) {
                        duplicates++;
                    }
                    got.set(seq);
                    if (publish.fixedHeader().qosLevel().value() == 1) {
                        slow.send(RawMqtt5Client.pubAck(publish.variableHeader().packetId()));
                    }
                }
            }
        } catch (EOFException closed) {
            throw new AssertionError("the server closed the stalled subscriber's connection", closed);
        }
        assertEquals(0, duplicates, "no message twice");
        return got.cardinality();
    }
}
