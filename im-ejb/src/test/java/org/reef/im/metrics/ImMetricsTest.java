package org.reef.im.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.reef.im.delivery.InboxPump;
import org.reef.im.error.ImError;
import org.reef.im.moderation.RefusalCounter;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;
import org.reef.mqtt.api.MqttStatistics;

import javax.naming.Reference;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The meters {@link ImMetrics} registers: every name and label of issue 14, reading the adapter's statistics when
 * read (not before), and the IM counters moving with the calls the application makes.
 */
class ImMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeStatistics broker = new FakeStatistics();
    private final RefusalCounter refusals = new RefusalCounter();

    @Test
    void everyMetricIsRegisteredAndReadsTheAdaptersCountersWhenAsked() throws Exception {
        ImMetrics metrics = metrics();
        for (String listener : MqttStatistics.LISTENERS) {
            assertNotNull(registry.find("reef.mqtt.connections").tag("listener", listener).gauge(), listener);
        }
        for (String reason : MqttStatistics.CONNECT_REFUSAL_REASONS) {
            assertNotNull(registry.find("reef.mqtt.connect.refusals").tag("reason", reason).functionCounter());
        }
        for (String cause : MqttStatistics.DROP_CAUSES) {
            assertNotNull(registry.find("reef.mqtt.messages.dropped").tag("cause", cause).functionCounter());
        }
        for (ImError error : ImError.values()) {
            assertNotNull(registry.find("reef.im.refusals").tag("code", error.code()).functionCounter());
        }
        assertNotNull(registry.find("reef.im.devices.online").gauge());

        broker.value = 7;
        assertEquals(7, registry.get("reef.mqtt.connects").functionCounter().count());
        assertEquals(7, registry.get("reef.mqtt.messages.received").tag("qos", "1").functionCounter().count());
        assertEquals(7, registry.get("reef.mqtt.messages.sent").tag("qos", "2").functionCounter().count());
        assertEquals(7, registry.get("reef.mqtt.queued.messages").gauge().value());
        Gauge tcp = registry.get("reef.mqtt.connections").tag("listener", "tcp").gauge();
        broker.value = 3;
        assertEquals(3, tcp.value(), "read when scraped");

        refusals.refused(ImError.RATE_LIMITED, "bob", "send");
        FunctionCounter limited = registry.get("reef.im.refusals").tag("code", "rate_limited").functionCounter();
        assertEquals(1, limited.count());

        metrics.stored(false);
        metrics.stored(false);
        metrics.stored(true);
        assertEquals(2, registry.get("reef.im.messages.stored").tag("kind", "direct").counter().count());
        assertEquals(1, registry.get("reef.im.messages.stored").tag("kind", "group").counter().count());
        metrics.batch(5);
        metrics.batch(1);
        assertEquals(2, registry.get("reef.im.batch.size").summary().count());
        assertEquals(6, registry.get("reef.im.batch.size").summary().totalAmount());
        metrics.delivered(TimeUnit.MILLISECONDS.toNanos(40));
        assertEquals(1, registry.get("reef.im.delivery").timer().count());
        assertEquals(40, registry.get("reef.im.delivery").timer().totalTime(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void undeployingRemovesTheMeters() throws Exception {
        ImMetrics metrics = metrics();
        metrics.unregister();
        assertNull(registry.find("reef.mqtt.connects").functionCounter());
        assertNull(registry.find("reef.im.delivery").timer());
        assertNull(registry.find("reef.im.messages.stored").counter());
        assertNull(registry.find("reef.mqtt.connections").gauge());
    }

    @Test
    void aRegistryThatIsNoWildFlyFacadeTakesTheHistogramsItself() {
        MeterRegistry plain = new SimpleMeterRegistry();
        assertSame(plain, WildFlyRegistries.exporting(plain));
    }

    private ImMetrics metrics() throws Exception {
        ImMetrics metrics = new ImMetrics();
        set(metrics, "registry", registry);
        set(metrics, "mqtt", new FakeFactory(broker));
        set(metrics, "refusals", refusals);
        set(metrics, "pump", new InboxPump());
        set(metrics, "cluster", new org.reef.im.cluster.ClusterBus());
        set(metrics, "sendChecks", new org.reef.im.cache.SendCheckCache());
        metrics.register();
        assertTrue(registry.getMeters().size() > 40, "meters: " + registry.getMeters().size());
        return metrics;
    }

    private static void set(Object target, String field, Object value) throws Exception {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    /** Every count is {@link #value}. */
    private static final class FakeStatistics implements MqttStatistics {
        long value;

        @Override
        public long openConnections(String listener) {
            return value;
        }

        @Override
        public long connects() {
            return value;
        }

        @Override
        public long connectRefusals(String reason) {
            return value;
        }

        @Override
        public long messagesReceived(int qos) {
            return value;
        }

        @Override
        public long messagesSent(int qos) {
            return value;
        }

        @Override
        public long messagesDropped(String cause) {
            return value;
        }

        @Override
        public long queuedMessages() {
            return value;
        }

        @Override
        public boolean listenersBound() {
            return true;
        }

        @Override
        public boolean reservedTopicsOpen() {
            return true;
        }

        @Override
        public int activeEndpoints() {
            return 2;
        }
    }

    private record FakeFactory(MqttStatistics statistics) implements MqttConnectionFactory {
        @Override
        public MqttConnection getConnection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setReference(Reference reference) {
        }

        @Override
        public Reference getReference() {
            return null;
        }
    }
}
