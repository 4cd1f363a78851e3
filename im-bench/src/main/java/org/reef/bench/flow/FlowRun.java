package org.reef.bench.flow;

import org.reef.bench.client.ClientSettings;
import org.reef.bench.client.ClientTransport;
import org.reef.bench.client.MessageListener;
import org.reef.bench.client.MqttClient;
import org.reef.bench.connect.ConnectOutcome;
import org.reef.bench.connect.Connector;
import org.reef.bench.connect.FailureTally;
import org.reef.bench.measure.LatencyRecorder;
import org.reef.bench.measure.MeasurementWindow;
import org.reef.bench.measure.PublishLog;
import org.reef.bench.measure.RatePacer;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs a messaging scenario of any {@link Topology}: connect the subscribers and subscribe, connect the publishers,
 * publish through warm-up and measurement, stop, let the last messages drain, disconnect, count.
 *
 * <p>Subscribers come first so that no publication finds a topic without its subscriber. Every phase waits on
 * the run's deadline; the measurement itself is fixed in advance (warm-up plus duration from a common origin), and
 * the drain ends as soon as every message stamped in the window has arrived, or at its bound.
 */
public final class FlowRun {

    /** Grace between the publishers' start and message 0, so that every publisher starts on schedule. */
    private static final Duration START_DELAY = Duration.ofMillis(100);
    private static final Duration DISCONNECT_BOUND = Duration.ofSeconds(5);

    private final ClientTransport transport;
    /** Where the subscribers connect: the publishers' transport, or another server's (another cluster node). */
    private final ClientTransport subscriberTransport;
    private final ClientSettings base;
    private final Topology topology;
    private final FlowSettings settings;
    private final PayloadFormat format;
    private final ClientListeners listeners;
    private final Duration replyTimeout;
    private final Progress progress;
    private final LatencyRecorder latency = new LatencyRecorder();
    private final LatencyRecorder pacingLag = new LatencyRecorder();
    private final FailureTally drops = new FailureTally();

    /**
     * @param listeners    what subscribers and publishers do with what they receive ({@link ClientListeners#PLAIN}
     *                     for plain MQTT)
     * @param replyTimeout how long to wait for a SUBACK (the connect timeout is a fair bound)
     */
    public FlowRun(ClientTransport transport, ClientSettings base, Topology topology, FlowSettings settings,
                   PayloadFormat format, ClientListeners listeners, Duration replyTimeout, Progress progress) {
        this(transport, transport, base, topology, settings, format, listeners, replyTimeout, progress);
    }

    /** Subscribers on {@code subscriberTransport}'s server, publishers on {@code transport}'s. */
    public FlowRun(ClientTransport transport, ClientTransport subscriberTransport, ClientSettings base,
                   Topology topology, FlowSettings settings, PayloadFormat format, ClientListeners listeners,
                   Duration replyTimeout, Progress progress) {
        if (settings.size() < format.minimumSize()) {
            throw new IllegalArgumentException("payload size " + settings.size() + " is below the "
                    + format.minimumSize() + " bytes the stamp needs");
        }
        this.transport = transport;
        this.subscriberTransport = subscriberTransport;
        this.base = base.withMaxPacketBytes(Math.max(base.maxPacketBytes(), settings.size() + 1_024));
        this.topology = topology;
        this.settings = settings;
        this.format = format;
        this.listeners = listeners;
        this.replyTimeout = replyTimeout;
        this.progress = progress;
    }

    public FlowOutcome run(Deadline deadline) throws BenchException, InterruptedException {
        List<Receiver> receivers = new ArrayList<>();
        List<ClientSettings> subscriberSettings = new ArrayList<>();
        List<String> subscriberFilters = new ArrayList<>();
        for (int s = 0; s < topology.subscribers(); s++) {
            receivers.add(new Receiver(format, latency, topology.sourcesOf(s)));
            subscriberSettings.add(topology.subscriberSettings(s, base.withMaxInflight(1)));
            subscriberFilters.add(topology.subscriptionFilter(s));
        }
        List<MqttClient> subscribers = connect(subscriberTransport, "subscribers", subscriberSettings,
                s -> listeners.subscriber(s, receivers.get(s)), deadline);
        subscribe(subscribers, subscriberFilters, deadline);

        List<PublishLog> logs = new ArrayList<>();
        List<ClientSettings> publisherSettings = new ArrayList<>();
        List<String> publisherFilters = new ArrayList<>();
        for (int p = 0; p < topology.publishers(); p++) {
            logs.add(new PublishLog());
            publisherSettings.add(topology.publisherSettings(p, base.withMaxInflight(settings.inflight())));
            publisherFilters.add(topology.publisherFilter(p));
        }
        List<MqttClient> publishers = connect(transport, "publishers", publisherSettings,
                p -> listeners.publisher(p, logs.get(p)), deadline);
        subscribe(publishers, publisherFilters, deadline);
        listeners.settle(deadline, progress);

        long origin = System.nanoTime() + START_DELAY.toNanos();
        long start = origin + settings.warmup().toNanos();
        MeasurementWindow window = new MeasurementWindow(start, start + settings.duration().toNanos());
        receivers.forEach(receiver -> receiver.measure(window));
        logs.forEach(log -> log.measure(window));
        List<Publisher> running = new ArrayList<>();
        RatePacer pacer = settings.flatOut() ? null : RatePacer.share(settings.ratePerSecond(), publishers.size());
        for (int p = 0; p < publishers.size(); p++) {
            PublishPlan plan = new PublishPlan(topology.publishTopic(p), p, settings.qos(), settings.size(), format,
                    pacer, origin, window.endNanos(), Integer.MAX_VALUE);
            running.add(new Publisher(publishers.get(p), plan, logs.get(p), pacingLag));
        }
        progress.say("publishing: %s, warm-up %d s, measuring %d s", settings.describeRate(),
                settings.warmup().toSeconds(), settings.duration().toSeconds());
        running.forEach(Publisher::start);
        watch(receivers, window, deadline);

        running.forEach(Publisher::stop);
        long drainStart = System.nanoTime();
        Deadline drainDeadline = deadline.within(settings.drain());
        while (!drained(running, logs, receivers) && !drainDeadline.expired()) {
            drainDeadline.sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10));
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        progress.say("drained in %.2f s; disconnecting", drainSeconds);

        disconnectAll(subscribers, publishers, deadline);
        long arrived = receivers.stream().mapToLong(Receiver::arrivedInWindow).sum();
        return new FlowOutcome(FlowTally.of(logs, receivers), latency.summary(), pacingLag.summary(),
                window.seconds(), drainSeconds, settings.drain().toNanos() / 1e9, drops, arrived);
    }

    private List<MqttClient> connect(ClientTransport via, String role, List<ClientSettings> clients,
                                     IntFunction<MessageListener> listeners, Deadline deadline)
            throws BenchException, InterruptedException {
        progress.say("connecting %d %s", clients.size(), role);
        Connector connector = new Connector(via, settings.connectRate(), settings.maxPendingConnects(),
                progress);
        ConnectOutcome outcome = connector.connectAll(clients, listeners, deadline);
        if (outcome.failures().total() > 0) {
            throw new BenchException(outcome.failures().total() + " of " + clients.size() + " " + role
                    + " could not connect: " + outcome.failures().describe());
        }
        List<MqttClient> connected = outcome.connectedClients();
        connected.forEach(client -> client.closeFuture().thenRun(() -> {
            if (!client.closeRequested()) {
                drops.add(client.closeReason() == null ? "closed by the server" : client.closeReason());
            }
        }));
        return connected;
    }

    /** Subscribes each client to its filter (none where the filter is null) and waits for every SUBACK. */
    private void subscribe(List<MqttClient> clients, List<String> filters, Deadline deadline)
            throws BenchException, InterruptedException {
        List<CompletableFuture<List<Integer>>> acks = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            String filter = filters.get(c);
            acks.add(filter == null ? null : clients.get(c).subscribe(filter, settings.qos()));
        }
        int downgraded = 0;
        Deadline bound = deadline.within(replyTimeout);
        for (int c = 0; c < acks.size(); c++) {
            if (acks.get(c) == null) {
                continue;
            }
            String filter = filters.get(c);
            int code = bound.await(acks.get(c), "SUBACK for " + filter).get(0);
            if (code >= 0x80) {
                throw new BenchException(String.format("the server refused the subscription to %s (0x%02X)",
                        filter, code));
            }
            if (code < settings.qos().value()) {
                downgraded++;
            }
        }
        if (downgraded > 0) {
            progress.say("warning: %d subscriptions granted only QoS 0", downgraded);
        }
    }

    /** Waits out warm-up and measurement, saying every few seconds how many messages have arrived. */
    private void watch(List<Receiver> receivers, MeasurementWindow window, Deadline deadline)
            throws InterruptedException {
        long report = System.nanoTime();
        while (System.nanoTime() - window.endNanos() < 0 && !deadline.expired()) {
            report += TimeUnit.SECONDS.toNanos(5);
            deadline.sleepUntil(Math.min(report, window.endNanos()));
            long received = 0;
            for (Receiver receiver : receivers) {
                for (int source : receiver.sources()) {
                    received += receiver.tracker(source).received();
                }
            }
            progress.say("%d messages received so far", received);
        }
    }

    /**
     * True once every publisher is done and every subscriber has every message stamped in the window that did not
     * fail (a refused message never arrives: waiting for it would only run the drain to its bound).
     */
    private static boolean drained(List<Publisher> publishers, List<PublishLog> logs, List<Receiver> receivers) {
        for (Publisher publisher : publishers) {
            if (!publisher.finished().isDone()) {
                return false;
            }
        }
        for (Receiver receiver : receivers) {
            for (int source : receiver.sources()) {
                if (receiver.tracker(source).distinctInWindow() < logs.get(source).owedInWindow()) {
                    return false;
                }
            }
        }
        return true;
    }

    private void disconnectAll(List<MqttClient> subscribers, List<MqttClient> publishers, Deadline deadline)
            throws InterruptedException {
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        publishers.forEach(client -> closed.add(client.disconnect()));
        subscribers.forEach(client -> closed.add(client.disconnect()));
        Deadline bound = deadline.within(DISCONNECT_BOUND);
        try {
            bound.await(CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)), "disconnect");
        } catch (BenchException slow) {
            progress.say("warning: %s; closing the rest with the transport", slow.getMessage());
        }
    }
}
