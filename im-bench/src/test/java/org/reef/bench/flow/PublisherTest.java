package org.reef.bench.flow;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.reef.bench.client.ClientSettings;
import org.reef.bench.client.EmbeddedClient;
import org.reef.bench.client.MessageListener;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.LatencySummary;
import org.reef.bench.measure.MeasurementWindow;
import org.reef.bench.measure.PublishLog;
import org.reef.bench.measure.RatePacer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublisherTest {

    private final PublishLog log = new PublishLog(MeasurementWindow.always());

    private static EmbeddedClient client(int inflight) {
        EmbeddedClient embedded = new EmbeddedClient(ClientSettings.of("p", MqttVersion.MQTT_3_1_1)
                .withKeepAlive(0).withMaxInflight(inflight), MessageListener.IGNORE);
        embedded.accept();
        return embedded;
    }

    /** Reads the PUBLISH packets written so far: their packet ids, and checks their stamps. */
    private static List<Integer> drainOutbound(EmbeddedClient embedded, List<Stamp> stamps) {
        List<Integer> ids = new ArrayList<>();
        for (Object out; (out = embedded.channel.readOutbound()) != null; ) {
            MqttPublishMessage publish = (MqttPublishMessage) out;
            ids.add(publish.variableHeader().packetId());
            stamps.add(BinaryStampFormat.INSTANCE.decode(publish.payload()));
            publish.release();
        }
        return ids;
    }

    @Test
    void qos1FlatOutNeverExceedsTheWindowAndFinishesWhenAllAreAcknowledged() {
        EmbeddedClient embedded = client(2);
        Publisher publisher = new Publisher(embedded.client, new PublishPlan("t", 3, MqttQoS.AT_LEAST_ONCE, 32,
                BinaryStampFormat.INSTANCE, null, System.nanoTime(), Long.MAX_VALUE, 5), log, null);
        List<Stamp> stamps = new ArrayList<>();
        publisher.start();
        embedded.channel.runPendingTasks();
        List<Integer> ids = drainOutbound(embedded, stamps);
        assertEquals(2, ids.size(), "two in flight, no more");
        for (int round = 0; round < 10 && !publisher.finished().isDone(); round++) {
            for (int id : ids) {
                embedded.channel.writeInbound(MqttMessageBuilders.pubAck().packetId(id).build());
            }
            embedded.channel.runPendingTasks();
            ids = drainOutbound(embedded, stamps);
            assertTrue(ids.size() <= 2);
        }
        assertTrue(publisher.finished().isDone());
        assertEquals(5, log.publishedCount());
        assertEquals(5, stamps.size());
        for (int seq = 0; seq < 5; seq++) {
            assertEquals(3, stamps.get(seq).stream());
            assertEquals(seq, stamps.get(seq).seq());
        }
    }

    @Test
    void aPacedPublisherStampsTheDueTimeAndStopsAtTheEnd() {
        EmbeddedClient embedded = client(1);
        RatePacer pacer = new RatePacer(1_000);
        LatencyRecorder lag = new LatencyRecorder();
        long origin = System.nanoTime() - 50_000_000L; // 50 ms ago: everything up to the stop is due
        long stop = origin + 10_000_000L;              // 10 ms at 1000/s: messages 0..9
        Publisher publisher = new Publisher(embedded.client, new PublishPlan("t", 0, MqttQoS.AT_MOST_ONCE, 20,
                BinaryStampFormat.INSTANCE, pacer, origin, stop, Integer.MAX_VALUE), log, lag);
        publisher.start();
        embedded.channel.runPendingTasks();
        List<Stamp> stamps = new ArrayList<>();
        drainOutbound(embedded, stamps);
        assertEquals(10, stamps.size());
        for (int k = 0; k < 10; k++) {
            assertEquals(origin + pacer.offsetNanos(k), stamps.get(k).sentNanos(), "stamped with its due time");
        }
        assertTrue(publisher.finished().isDone());
        assertEquals(10, log.publishedCount());
        LatencySummary lagged = lag.summary();
        assertEquals(10, lagged.count());
        assertTrue(lagged.p50() >= 40_000, "sent about 40-50 ms behind schedule, and the lag says so: " + lagged);
    }

    @Test
    void aClosedConnectionStopsThePublisherAndFailsWhatWasInFlight() {
        EmbeddedClient embedded = client(1);
        Publisher publisher = new Publisher(embedded.client, new PublishPlan("t", 0, MqttQoS.AT_LEAST_ONCE, 20,
                BinaryStampFormat.INSTANCE, null, System.nanoTime(), Long.MAX_VALUE, 100), log, null);
        publisher.start();
        embedded.channel.runPendingTasks();
        assertFalse(publisher.finished().isDone());
        embedded.channel.close();
        embedded.channel.releaseOutbound();
        assertTrue(publisher.finished().isDone());
        assertEquals(1, log.failed());
        assertEquals(1, publisher.sent());
    }

    @Test
    void stopEndsAFlatOutPublisher() {
        EmbeddedClient embedded = client(1);
        Publisher publisher = new Publisher(embedded.client, new PublishPlan("t", 0, MqttQoS.AT_LEAST_ONCE, 20,
                BinaryStampFormat.INSTANCE, null, System.nanoTime(), Long.MAX_VALUE, 100), log, null);
        publisher.start();
        embedded.channel.runPendingTasks();
        publisher.stop();
        embedded.channel.runPendingTasks();
        assertFalse(publisher.finished().isDone(), "the publication in flight still counts");
        embedded.channel.writeInbound(MqttMessageBuilders.pubAck().packetId(1).build());
        embedded.channel.runPendingTasks();
        assertTrue(publisher.finished().isDone());
        assertEquals(1, publisher.sent());
        embedded.channel.releaseOutbound();
    }
}
