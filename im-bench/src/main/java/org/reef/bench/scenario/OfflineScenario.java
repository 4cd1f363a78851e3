package org.reef.bench.scenario;

import io.netty.handler.codec.mqtt.MqttQoS;
import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.client.ClientSettings;
import org.reef.bench.client.ClientTransport;
import org.reef.bench.client.MessageListener;
import org.reef.bench.client.MqttClient;
import org.reef.bench.flow.BinaryStampFormat;
import org.reef.bench.flow.PublishPlan;
import org.reef.bench.flow.Publisher;
import org.reef.bench.flow.Receiver;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.MeasurementWindow;
import org.reef.bench.measure.PublishLog;
import org.reef.bench.measure.SequenceTracker;
import org.reef.bench.report.Report;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Store and forward for a client that is away: a persistent session (MQTT 3.1.1 §3.1.2.4: Clean Session 0; MQTT 5:
 * Clean Start 0 with a Session Expiry Interval) subscribes at QoS 1 and disconnects; N QoS 1 messages are
 * published; the client comes back and the tool counts what arrives, in which order, and how fast the backlog
 * drains. MQTT 3.1.1 §4.4 requires the server to keep those messages for the session.
 *
 * <p>The session's client id is fixed (so it can be compared across servers), and cleared before and after the
 * run with a clean connect, so leftovers of an aborted run never count.
 */
final class OfflineScenario implements Scenario {

    static final ScenarioSpec SPEC = new ScenarioSpec("offline",
            "a persistent session misses N QoS 1 messages, comes back, and drains them",
            """
            A persistent-session subscriber (--client-id, clean session 0) subscribes to <prefix>/offline at
            QoS 1 and disconnects; a publisher publishes --messages QoS 1 messages (window --inflight) and waits
            for their PUBACKs; the subscriber reconnects with clean session 0. Reports how many arrive, whether
            in order, duplicates, and how long the drain takes (messages/s). The drain ends when all have arrived,
            after --quiet seconds without a message, or at --timeout.""",
            options(), OfflineScenario::new);

    private static final Duration MARGIN = Duration.ofSeconds(20);
    private static final int CONNECTS = 5;

    private final BrokerTarget target;
    private final int messages;
    private final int size;
    private final int inflight;
    private final String clientId;
    private final long sessionExpiry;
    private final Duration quiet;
    private final Duration timeout;
    private final String runId = RunId.next();
    private final String topic;

    private OfflineScenario(Options options) throws UsageException {
        this.target = BrokerTarget.from(options);
        this.messages = options.integer("messages", 1, 10_000_000);
        this.size = options.integer("size", BinaryStampFormat.INSTANCE.minimumSize(), FlowOptions.MAX_SIZE);
        this.inflight = options.integer("inflight", 1, ClientSettings.MAX_INFLIGHT);
        this.clientId = options.text("client-id");
        if (clientId.isEmpty() || clientId.length() > 65_535) {
            throw new UsageException("--client-id must not be empty");
        }
        this.sessionExpiry = options.whole("session-expiry", 1, 0xFFFF_FFFFL);
        this.quiet = options.seconds("quiet", 0.1, 600);
        this.timeout = options.seconds("timeout", 1, 86_400);
        this.topic = FlowOptions.topicPrefix(options, runId) + "/offline";
    }

    private static List<OptionSpec> options() {
        List<OptionSpec> options = new ArrayList<>(BrokerTarget.OPTIONS);
        options.add(OptionSpec.value("messages", "N", "10000", "QoS 1 messages published while the client is away"));
        options.add(OptionSpec.value("size", "BYTES", "64", "payload size, at least "
                + BinaryStampFormat.INSTANCE.minimumSize()));
        options.add(OptionSpec.value("inflight", "N", "100", "publications awaiting PUBACK at once"));
        options.add(OptionSpec.value("client-id", "ID", "bench-offline", "client id of the persistent session"));
        options.add(OptionSpec.value("session-expiry", "SECONDS", "3600", "MQTT 5 Session Expiry Interval of the"
                + " persistent session"));
        options.add(OptionSpec.value("quiet", "SECONDS", "3", "end the drain after this long without a message"));
        options.add(OptionSpec.value("timeout", "SECONDS", "60", "bound on publishing, and on the drain"));
        options.add(OptionSpec.value("topic-prefix", "PREFIX", null, "prefix of the topic (default bench/<run id>)"));
        return List.copyOf(options);
    }

    @Override
    public Duration timeLimit() {
        return target.connectTimeout().multipliedBy(CONNECTS).plus(timeout.multipliedBy(2)).plus(MARGIN);
    }

    @Override
    public Report run(Deadline deadline, Progress progress) throws BenchException, InterruptedException {
        progress.say("offline: %d QoS 1 messages for session %s on %s, %s (client: %s)", messages, clientId, topic,
                target.describe(), target.describeClientSide());
        ClientSettings session = target.clientSettings(clientId).withMaxPacketBytes(size + 1_024);
        ClientSettings persistent = session.withCleanSession(false, sessionExpiry);
        ClientSettings clean = session.withCleanSession(true, 0);
        try (ClientTransport transport = target.openTransport()) {
            progress.say("clearing any earlier session of %s, then subscribing with clean session 0", clientId);
            closeAndWait(connect(transport, clean, MessageListener.IGNORE, deadline), deadline);
            MqttClient away = connect(transport, persistent, MessageListener.IGNORE, deadline);
            int code = deadline.within(target.connectTimeout())
                    .await(away.subscribe(topic, MqttQoS.AT_LEAST_ONCE), "SUBACK for " + topic).get(0);
            if (code != MqttQoS.AT_LEAST_ONCE.value()) {
                throw new BenchException(String.format("the subscription to %s got 0x%02X, not QoS 1", topic, code));
            }
            closeAndWait(away, deadline);

            PublishLog log = new PublishLog(MeasurementWindow.always());
            double publishSeconds = publish(transport, log, deadline, progress);

            progress.say("reconnecting %s with clean session 0", clientId);
            Receiver receiver = new Receiver(BinaryStampFormat.INSTANCE, new LatencyRecorder(), new int[] {0});
            receiver.measure(MeasurementWindow.always());
            long reconnected = System.nanoTime();
            MqttClient back = connect(transport, persistent, receiver, deadline);
            SequenceTracker tracker = receiver.tracker(0);
            awaitDrain(tracker, log.publishedCount(), reconnected, deadline.within(timeout));
            double drainSeconds = tracker.received() == 0 ? 0 : (tracker.lastArrivalNanos() - reconnected) / 1e9;
            closeAndWait(back, deadline);

            progress.say("clearing the session of %s", clientId);
            closeAndWait(connect(transport, clean, MessageListener.IGNORE, deadline), deadline);
            return report(log, tracker, receiver.unexpected(), back.sessionPresent(), publishSeconds, drainSeconds);
        }
    }

    /** Publishes every message at QoS 1 within the in-flight window and waits for the PUBACKs. */
    private double publish(ClientTransport transport, PublishLog log, Deadline deadline, Progress progress)
            throws BenchException, InterruptedException {
        ClientSettings settings = target.clientSettings("bench-" + runId + "-pub").withMaxInflight(inflight)
                .withMaxPacketBytes(size + 1_024);
        MqttClient publisher = connect(transport, settings, MessageListener.IGNORE, deadline);
        progress.say("publishing %d messages while %s is away", messages, clientId);
        long start = System.nanoTime();
        PublishPlan plan = new PublishPlan(topic, 0, MqttQoS.AT_LEAST_ONCE, size, BinaryStampFormat.INSTANCE,
                null, start, Long.MAX_VALUE, messages);
        Publisher run = new Publisher(publisher, plan, log, null);
        run.start();
        try {
            deadline.within(timeout).await(run.finished(), "publishing " + messages + " messages");
        } finally {
            run.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        closeAndWait(publisher, deadline);
        if (log.publishedCount() == 0) {
            throw new BenchException("no publication was acknowledged (" + log.failed() + " failed)");
        }
        return seconds;
    }

    /** Until everything acknowledged has arrived, the session has been quiet for a while, or the bound. */
    private void awaitDrain(SequenceTracker tracker, long published, long reconnected, Deadline bound)
            throws InterruptedException {
        while (!bound.expired() && tracker.distinct() < published) {
            long last = tracker.received() == 0 ? reconnected : tracker.lastArrivalNanos();
            if (System.nanoTime() - last > quiet.toNanos()) {
                return;
            }
            bound.sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private MqttClient connect(ClientTransport transport, ClientSettings settings, MessageListener listener,
                               Deadline deadline) throws BenchException, InterruptedException {
        return deadline.await(transport.connect(settings, listener), "connecting " + settings.clientId());
    }

    private void closeAndWait(MqttClient client, Deadline deadline) throws BenchException, InterruptedException {
        deadline.within(target.connectTimeout()).await(client.disconnect(), "disconnecting " + client.clientId());
    }

    private Report report(PublishLog log, SequenceTracker tracker, long unexpected, boolean sessionPresent,
                          double publishSeconds, double drainSeconds) {
        long published = log.publishedCount();
        long received = tracker.deliveredOf(log.published());
        long missing = tracker.missingOf(log.published());
        double perSecond = drainSeconds > 0 ? tracker.distinct() / drainSeconds : 0;
        boolean inOrder = tracker.outOfOrder() == 0;
        Report report = new Report("offline");
        report.line("offline: session %s missed %d QoS 1 messages of %d bytes on %s (%s)", clientId, messages, size,
                topic, target.describe());
        report.line("published %d (PUBACKed) in %.2f s, %d failed; session present on return: %s", published,
                publishSeconds, log.failed(), sessionPresent);
        report.line("received %d of %d (missing %d), %s, duplicates %d, unexpected %d", received, published, missing,
                inOrder ? "in order" : tracker.outOfOrder() + " out of order", tracker.duplicates(), unexpected);
        report.line("drain %.3f s: %.0f messages/s", drainSeconds, perSecond);
        report.json()
                .put("mqtt", target.mqtt())
                .put("qos", 1)
                .put("messages", messages)
                .put("size", size)
                .put("published", published)
                .put("publishFailures", log.failed())
                .put("publishSeconds", publishSeconds)
                .put("sessionPresent", sessionPresent)
                .put("received", received)
                .put("missing", missing)
                .put("duplicates", tracker.duplicates())
                .put("outOfOrder", tracker.outOfOrder())
                .put("inOrder", inOrder)
                .put("unexpected", unexpected)
                .put("drainSeconds", drainSeconds)
                .put("messagesPerSecond", perSecond);
        return report;
    }
}
