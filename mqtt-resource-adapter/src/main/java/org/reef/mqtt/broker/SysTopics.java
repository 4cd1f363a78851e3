package org.reef.mqtt.broker;

import org.reef.mqtt.session.DeliveryCounters;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.topic.Topics;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker's own view for MQTT tools: the {@code $SYS/broker/...} topics as Mosquitto publishes them (see
 * mosquitto(8), "Broker status"), retained, QoS 0, refreshed every {@code REEF_MQTT_SYS_INTERVAL} seconds. As in
 * Mosquitto, a value is published again only when it changed (the uptime always changes), and a subscriber gets the
 * current values at once as retained messages.
 *
 * <p>Topics starting with {@code $} are the server's (MQTT 5.0 section 4.7.2): clients cannot publish to them
 * ({@link ReservedTopics#refusesTopic}), a filter starting with a wildcard never matches them [MQTT-4.7.2-1], and
 * only administrators (and anonymous clients where anonymous access is allowed) may subscribe to {@code $SYS/}.
 */
public final class SysTopics {

    private static final Logger LOG = Logger.getLogger(SysTopics.class.getName());

    public static final String ROOT = "$SYS";
    private static final String PREFIX = ROOT + "/broker/";
    private static final long STOP_TIMEOUT_SECONDS = 5;

    private final MqttBroker broker;
    private final long startedNanos = System.nanoTime();
    private final String version;
    private final Map<String, String> published = new HashMap<>();
    private int maximumConnected;
    private ScheduledExecutorService timer;

    public SysTopics(MqttBroker broker) {
        this.broker = broker;
        String implementation = SysTopics.class.getPackage().getImplementationVersion();
        this.version = "reef version " + (implementation == null ? "unknown" : implementation);
    }

    /** Whether a topic filter reaches into {@code $SYS} (a shared subscription's filter after its prefix counts). */
    public static boolean isSysFilter(String filter) {
        String plain = filter;
        if (Topics.isShared(filter)) {
            int slash = filter.indexOf('/', "$share/".length());
            plain = slash < 0 ? "" : filter.substring(slash + 1);
        }
        return plain.equals(ROOT) || plain.startsWith(ROOT + "/");
    }

    /** Publishes now and then every {@code intervalSeconds}, on a thread of its own; 0 publishes nothing. */
    public synchronized void start(int intervalSeconds) {
        if (intervalSeconds <= 0 || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "reef-mqtt-sys");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::publishSafely, 0, intervalSeconds, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "$SYS topics published every {0} s", intervalSeconds);
    }

    /** Stops publishing; the retained values stay until the adapter stops. */
    public synchronized void stop() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning("The $SYS publisher did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer = null;
    }

    private void publishSafely() {
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Publishing $SYS topics failed: {0}", e.toString());
        }
    }

    /** Publishes every value that changed since the last time (the timer calls it; tests too). */
    public void publish() {
        for (Map.Entry<String, String> entry : values().entrySet()) {
            String topic = entry.getKey();
            String value = entry.getValue();
            if (value.equals(published.get(topic))) {
                continue;
            }
            published.put(topic, value);
            PublishMessage message = new PublishMessage(topic, value.getBytes(StandardCharsets.UTF_8), 0, true,
                    null);
            broker.retained().retain(message);
            broker.router().route(message);
        }
    }

    /** The current values, by topic. Package-private for tests. */
    Map<String, String> values() {
        BrokerMetrics metrics = broker.metrics();
        int connected = broker.connected().get();
        maximumConnected = Math.max(maximumConnected, connected);
        int sessions = broker.sessions().size();
        Map<String, String> values = new LinkedHashMap<>();
        values.put(PREFIX + "version", version);
        values.put(PREFIX + "uptime", (System.nanoTime() - startedNanos) / 1_000_000_000L + " seconds");
        values.put(PREFIX + "clients/connected", String.valueOf(connected));
        values.put(PREFIX + "clients/disconnected", String.valueOf(Math.max(0, sessions - connected)));
        values.put(PREFIX + "clients/total", String.valueOf(Math.max(sessions, connected)));
        values.put(PREFIX + "clients/maximum", String.valueOf(maximumConnected));
        long received = metrics.publishedCount();
        DeliveryCounters counters = broker.queueLimits().counters();
        long sent = counters.sentCount(0) + counters.sentCount(1) + counters.sentCount(2);
        values.put(PREFIX + "messages/received", String.valueOf(received));
        values.put(PREFIX + "messages/sent", String.valueOf(sent));
        values.put(PREFIX + "publish/messages/received", String.valueOf(received));
        values.put(PREFIX + "publish/messages/sent", String.valueOf(sent));
        values.put(PREFIX + "publish/messages/dropped", String.valueOf(dropped(counters)));
        values.put(PREFIX + "bytes/received", String.valueOf(metrics.bytesReceivedCount()));
        values.put(PREFIX + "bytes/sent", String.valueOf(metrics.bytesSentCount()));
        values.put(PREFIX + "subscriptions/count", String.valueOf(broker.router().subscriptionCount()));
        values.put(PREFIX + "retained messages/count", String.valueOf(broker.retained().size()));
        return values;
    }

    private static long dropped(DeliveryCounters counters) {
        long sum = 0;
        for (DeliveryCounters.DropCause cause : DeliveryCounters.DropCause.values()) {
            sum += counters.droppedCount(cause);
        }
        return sum;
    }
}
