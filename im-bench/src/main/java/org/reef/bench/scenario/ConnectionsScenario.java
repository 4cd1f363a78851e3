package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.client.ClientSettings;
import org.reef.bench.client.ClientTransport;
import org.reef.bench.client.MessageListener;
import org.reef.bench.client.MqttClient;
import org.reef.bench.connect.ConnectOutcome;
import org.reef.bench.connect.Connector;
import org.reef.bench.connect.FailureTally;
import org.reef.bench.report.Report;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.OpenFiles;
import org.reef.bench.run.Progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens N connections at a set rate and holds them idle (nothing but PINGREQ), to measure what a connection costs
 * the server: connect rate, failures, and, given the server's pid, its resident memory before and after, hence
 * memory per connection.
 */
final class ConnectionsScenario implements Scenario {

    static final ScenarioSpec SPEC = new ScenarioSpec("connections",
            "open N idle clients at a set rate, hold them, report connect rate and server memory",
            """
            Opens --clients connections at --rate per second (keep-alive --keepalive), holds them for --hold
            seconds sending nothing but PINGREQ, then disconnects. Reports the connect rate, failures by reason,
            connections dropped while held, and, with --pid of the server, its resident memory (VmRSS) before
            connecting and at the end of the hold, hence bytes per connection. One process may open about as
            many connections as its open-file limit (ulimit -n) allows.""",
            options(), ConnectionsScenario::new);

    private static final Duration DISCONNECT_BOUND = Duration.ofSeconds(15);
    private static final Duration MARGIN = Duration.ofSeconds(20);

    private final BrokerTarget target;
    private final int clients;
    private final double rate;
    private final Duration hold;
    private final Long pid;
    private final boolean fullGc;
    private final int pending;
    private final String runId = RunId.next();

    private ConnectionsScenario(Options options) throws UsageException {
        this.target = BrokerTarget.from(options);
        this.clients = options.integer("clients", 1, 1_000_000);
        this.rate = options.decimal("rate", 0, 1_000_000);
        this.hold = options.seconds("hold", 0, 86_400);
        this.pending = options.integer("pending", 1, 100_000);
        this.pid = options.text("pid") == null ? null : options.whole("pid", 1, Integer.MAX_VALUE);
        this.fullGc = options.flag("full-gc");
        long available = OpenFiles.available();
        if (available >= 0 && clients > available) {
            throw new UsageException("--clients " + clients + " needs " + clients + " sockets, but this process may"
                    + " open only " + available + " more files (limit " + OpenFiles.limit() + ", ulimit -n)");
        }
        if (pid != null) {
            ServerMemory.check(pid);
        }
    }

    private static List<OptionSpec> options() {
        List<OptionSpec> options = new ArrayList<>(BrokerTarget.OPTIONS);
        options.add(OptionSpec.value("clients", "N", "1000", "connections to open"));
        options.add(OptionSpec.value("rate", "CONN/S", "1000", "new connections per second; 0 = as fast as --pending"
                + " allows"));
        options.add(OptionSpec.value("hold", "SECONDS", "10", "how long to hold the connections open"));
        options.add(OptionSpec.value("pid", "PID", null, "server process whose resident memory (VmRSS) to report"));
        options.add(OptionSpec.flag("full-gc", "with --pid of a JVM: run a full GC in it (jcmd PID GC.run) before each "
                + "memory reading, so that the growth is what the connections retain, not garbage"));
        options.add(OptionSpec.value("pending", "N", "1000", "connection handshakes in progress at once"));
        return List.copyOf(options);
    }

    /** Opening: by the rate, or by batches of {@code pending} handshakes that each may take the connect timeout. */
    private Duration connectBound() {
        Duration paced = rate > 0 ? Duration.ofNanos((long) (clients / rate * 1e9)) : Duration.ZERO;
        Duration batched = target.connectTimeout().multipliedBy((clients + pending - 1) / pending);
        return (paced.compareTo(batched) > 0 ? paced : batched).plus(target.connectTimeout());
    }

    @Override
    public Duration timeLimit() {
        return connectBound().plus(hold).plus(DISCONNECT_BOUND).plus(MARGIN);
    }

    @Override
    public Report run(Deadline deadline, Progress progress) throws BenchException, InterruptedException {
        progress.say("connections: %d clients at %s, hold %d s, %s, run %s (client: %s)", clients, describeRate(),
                hold.toSeconds(), target.describe(), runId, target.describeClientSide());
        if (fullGc) {
            progress.say("full GC in the server before reading its memory: %s", ServerMemory.fullGc(pid));
        }
        Long rssBefore = ServerMemory.read(pid);
        try (ClientTransport transport = target.openTransport()) {
            ClientSettings base = target.clientSettings("bench-" + runId);
            List<ClientSettings> settings = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                settings.add(base.withClientId(base.clientId() + "-c" + i));
            }
            ConnectOutcome outcome = new Connector(transport, rate, pending, progress)
                    .connectAll(settings, i -> MessageListener.IGNORE, deadline.within(connectBound()));
            List<MqttClient> connected = outcome.connectedClients();
            progress.say("connected %d of %d in %.2f s (%.0f/s); failures: %s", connected.size(), clients,
                    outcome.elapsedNanos() / 1e9, outcome.perSecond(), outcome.failures().describe());

            FailureTally drops = new FailureTally();
            connected.forEach(client -> client.closeFuture().thenRun(() -> {
                if (!client.closeRequested()) {
                    drops.add(client.closeReason() == null ? "closed by the server" : client.closeReason());
                }
            }));
            holdOpen(connected.size(), drops, deadline, progress);
            if (fullGc) {
                progress.say("full GC in the server before reading its memory: %s", ServerMemory.fullGc(pid));
            }
            Long rssAfter = ServerMemory.read(pid);
            long pingsSent = transport.stats().pingsSent();
            long pingResponses = transport.stats().pingResponses();
            long dropped = drops.total();

            progress.say("disconnecting %d clients", connected.size());
            List<CompletableFuture<Void>> closed = new ArrayList<>();
            connected.forEach(client -> closed.add(client.disconnect()));
            try {
                deadline.within(DISCONNECT_BOUND).await(
                        CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)), "disconnect");
            } catch (BenchException slow) {
                progress.say("warning: %s; the transport closes the rest", slow.getMessage());
            }
            return report(outcome, drops, dropped, pingsSent, pingResponses, rssBefore, rssAfter);
        }
    }

    private String describeRate() {
        return rate > 0 ? String.format(Locale.ROOT, "%.0f/s", rate) : "full speed";
    }

    private void holdOpen(int open, FailureTally drops, Deadline deadline, Progress progress)
            throws InterruptedException {
        long end = System.nanoTime() + hold.toNanos();
        progress.say("holding %d connections for %d s", open, hold.toSeconds());
        long next = System.nanoTime();
        while (end - System.nanoTime() > 0 && !deadline.expired()) {
            next += TimeUnit.SECONDS.toNanos(10);
            deadline.sleepUntil(Math.min(next, end));
            progress.say("holding: %d open, %d dropped", open - drops.total(), drops.total());
        }
    }

    private Report report(ConnectOutcome outcome, FailureTally drops, long dropped, long pingsSent,
                          long pingResponses, Long rssBefore, Long rssAfter) {
        long connected = outcome.connected();
        Long bytesPerConnection = rssBefore == null || rssAfter == null || connected == 0 ? null
                : (rssAfter - rssBefore) * 1024 / connected;
        Report report = new Report("connections");
        report.line("connections: %d clients at %s, keep-alive %d s, held %d s (%s)", clients, describeRate(),
                target.keepAliveSeconds(), hold.toSeconds(), target.describe());
        report.line("connected %d, failed %d (%s) in %.2f s: %.0f connections/s", connected,
                outcome.failures().total(), outcome.failures().describe(), outcome.elapsedNanos() / 1e9,
                outcome.perSecond());
        report.line("time to CONNACK: %s", outcome.latency().describe());
        report.line("while held: %d dropped (%s); PINGREQ sent %d, PINGRESP received %d", dropped,
                drops.describe(), pingsSent, pingResponses);
        if (pid != null) {
            report.line("server %d resident memory: %s kB before, %s kB after, %s bytes per connection", pid,
                    rssBefore, rssAfter, bytesPerConnection);
        }
        report.json()
                .put("mqtt", target.mqtt())
                .put("clients", clients)
                .put("rate", rate)
                .put("keepAliveSeconds", target.keepAliveSeconds())
                .put("holdSeconds", hold.toMillis() / 1000.0)
                .put("connected", connected)
                .put("failed", outcome.failures().total())
                .put("failures", outcome.failures().toJson())
                .put("connectSeconds", outcome.elapsedNanos() / 1e9)
                .put("connectsPerSecond", outcome.perSecond())
                .put("connectLatencyMicros", outcome.latency().toJson())
                .put("dropped", dropped)
                .put("drops", drops.toJson())
                .put("pingsSent", pingsSent)
                .put("pingResponses", pingResponses)
                .putNullable("pid", pid)
                .putNullable("rssBeforeKb", rssBefore)
                .putNullable("rssAfterKb", rssAfter)
                .putNullable("bytesPerConnection", bytesPerConnection);
        return report;
    }
}
