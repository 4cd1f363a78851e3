package org.reef.im.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.reef.im.cache.SendCheckCache;
import org.reef.im.cluster.ClusterBus;
import org.reef.im.delivery.InboxPump;
import org.reef.im.error.ImError;
import org.reef.im.moderation.RefusalCounter;
import org.reef.mqtt.api.MqttConnectionFactory;
import org.reef.mqtt.api.MqttStatistics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reef's metrics in WildFly's Micrometer registry (scraped in Prometheus text format on the management port, see
 * docs/operations.md). The broker's counters stay in the resource adapter, which is no CDI archive: they are read
 * through {@link MqttStatistics} when scraped ({@code FunctionCounter}s and gauges), so the broker's hot path pays
 * nothing for them beyond its own uncontended adds. The IM side counts here: {@link #stored}, {@link #batch} and
 * {@link #delivered} are a {@link Counter}, a {@link DistributionSummary} and a {@link Timer} kept in fields, so a
 * call is a lock-free add without allocation (this bean is application-scoped: callers reach it through a CDI client
 * proxy, not an EJB invocation).
 *
 * <p>Micrometer names become Prometheus names: {@code reef.mqtt.connects} (a counter) is
 * {@code reef_mqtt_connects_total}, {@code reef.im.delivery} (a timer) is {@code reef_im_delivery_seconds}.
 *
 * <p>WildFly hands a deployment a registry facade that tags its meters with the deployment and forwards the
 * convenience methods ({@code counter(name, tags)}, {@code gauge(...)}, {@code more().counter(...)}) to the server's
 * registries, but keeps meters made with a builder to itself, unexported. The two histograms need a builder (their
 * buckets), so they are registered on the facade's parent registry when it can be reached; otherwise they are plain
 * timers/summaries (count and sum, no buckets), which the log says once.
 */
@ApplicationScoped
public class ImMetrics {

    private static final Logger LOG = Logger.getLogger(ImMetrics.class.getName());

    /** Buckets of {@code reef_im_delivery_seconds}: from a fast LAN to a phone on a bad network. */
    private static final Duration[] DELIVERY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    /** Buckets of {@code reef_im_batch_size}: up to the inbound endpoint's maxBatchSize (32). */
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32};

    @Inject
    private MeterRegistry registry;

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory mqtt;

    @Inject
    private RefusalCounter refusals;

    @Inject
    private InboxPump pump;

    @Inject
    private ClusterBus cluster;

    @Inject
    private SendCheckCache sendChecks;

    private MqttStatistics broker;
    private Counter storedDirect;
    private Counter storedGroup;
    private Timer delivery;
    private DistributionSummary batches;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry histogramRegistry;

    /** Created with the application, so the meters exist before the first message. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.log(Level.FINE, "Metrics registered: {0}", meters.size());
    }

    @PostConstruct
    void register() {
        try {
            broker = mqtt.statistics();
        } catch (Exception e) {
            throw new IllegalStateException("the MQTT adapter offers no statistics", e);
        }
        for (String listener : MqttStatistics.LISTENERS) {
            gauge("reef.mqtt.connections", Tags.of("listener", listener), m -> m.broker.openConnections(listener));
        }
        counter("reef.mqtt.connects", Tags.empty(), m -> m.broker.connects());
        for (String reason : MqttStatistics.CONNECT_REFUSAL_REASONS) {
            counter("reef.mqtt.connect.refusals", Tags.of("reason", reason), m -> m.broker.connectRefusals(reason));
        }
        for (int qos = 0; qos <= 2; qos++) {
            int q = qos;
            counter("reef.mqtt.messages.received", Tags.of("qos", String.valueOf(q)),
                    m -> m.broker.messagesReceived(q));
            counter("reef.mqtt.messages.sent", Tags.of("qos", String.valueOf(q)), m -> m.broker.messagesSent(q));
        }
        for (String cause : MqttStatistics.DROP_CAUSES) {
            counter("reef.mqtt.messages.dropped", Tags.of("cause", cause), m -> m.broker.messagesDropped(cause));
        }
        gauge("reef.mqtt.queued.messages", Tags.empty(), m -> m.broker.queuedMessages());
        for (ImError error : ImError.values()) {
            counter("reef.im.refusals", Tags.of("code", error.code()), m -> m.refusals.count(error));
        }
        gauge("reef.im.devices.online", Tags.empty(), m -> m.pump.activeDevices());
        counter("reef.cluster.events", Tags.of("direction", "sent"), m -> m.cluster.counters()[0]);
        counter("reef.cluster.events", Tags.of("direction", "received"), m -> m.cluster.counters()[1]);
        counter("reef.cluster.events", Tags.of("direction", "dropped"), m -> m.cluster.counters()[2]);
        counter("reef.cluster.batches", Tags.empty(), m -> m.cluster.counters()[3]);
        counter("reef.im.cache.lookups", Tags.of("result", "hit"), m -> m.sendChecks.counts()[0]);
        counter("reef.im.cache.lookups", Tags.of("result", "miss"), m -> m.sendChecks.counts()[1]);
        storedDirect = registry.counter("reef.im.messages.stored", Tags.of("kind", "direct"));
        storedGroup = registry.counter("reef.im.messages.stored", Tags.of("kind", "group"));
        meters.add(storedDirect);
        meters.add(storedGroup);
        histogramRegistry = WildFlyRegistries.exporting(registry);
        if (histogramRegistry != null) {
            delivery = Timer.builder("reef.im.delivery")
                    .description("Time from the commit of an IM message to the recipient device's acknowledgement")
                    .serviceLevelObjectives(DELIVERY_BUCKETS)
                    .register(histogramRegistry);
            batches = DistributionSummary.builder("reef.im.batch.size")
                    .description("Inbound MQTT messages stored per transaction")
                    .serviceLevelObjectives(BATCH_BUCKETS)
                    .register(histogramRegistry);
        } else {
            LOG.info("The metrics registry offers no buckets to applications: reef_im_delivery_seconds and "
                    + "reef_im_batch_size are exported as count and sum only");
            delivery = registry.timer("reef.im.delivery", Tags.empty());
            batches = registry.summary("reef.im.batch.size", Tags.empty());
            histogramRegistry = registry;
        }
    }

    @PreDestroy
    void unregister() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
        if (histogramRegistry != null) {
            histogramRegistry.remove(delivery);
            histogramRegistry.remove(batches);
        }
    }

    /** An IM message was stored and its transaction committed. */
    public void stored(boolean group) {
        stored(group, 1);
    }

    /** Several IM messages of one kind were stored in one committed transaction. */
    public void stored(boolean group, int count) {
        (group ? storedGroup : storedDirect).increment(count);
    }

    /** The inbound endpoint was handed a batch of this many messages, to store in one transaction. */
    public void batch(int size) {
        batches.record(size);
    }

    /** A device acknowledged a live delivery this long after its message's commit. */
    public void delivered(long nanos) {
        delivery.record(nanos, TimeUnit.NANOSECONDS);
    }

    private void counter(String name, Tags tags, java.util.function.ToDoubleFunction<ImMetrics> value) {
        meters.add(registry.more().counter(name, tags, this, value));
    }

    private void gauge(String name, Tags tags, java.util.function.ToDoubleFunction<ImMetrics> value) {
        registry.gauge(name, tags, this, value);
        Meter gauge = registry.find(name).tags(tags).gauge();
        if (gauge != null) {
            meters.add(gauge);
        }
    }
}
