package org.reef.bench.scenario;

import org.reef.bench.cli.UsageException;
import org.reef.bench.client.ClientTransport;
import org.reef.bench.flow.BinaryStampFormat;
import org.reef.bench.flow.ClientListeners;
import org.reef.bench.flow.FlowOutcome;
import org.reef.bench.flow.FlowReport;
import org.reef.bench.flow.FlowRun;
import org.reef.bench.flow.FlowSettings;
import org.reef.bench.flow.Topology;
import org.reef.bench.report.JsonLine;
import org.reef.bench.report.Report;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.OpenFiles;
import org.reef.bench.run.Progress;

import java.time.Duration;

/**
 * A messaging scenario over plain MQTT topics with the binary stamp: what pairs and fan-out share. They differ
 * only in their {@link Topology} and in the shape fields of their report.
 */
final class FlowScenario implements Scenario {

    private static final Duration MARGIN = Duration.ofSeconds(20);

    private final String name;
    private final BrokerTarget target;
    private final FlowSettings settings;
    private final Topology topology;
    private final String runId;
    private final JsonLine shape;
    private final String shapeText;

    FlowScenario(String name, BrokerTarget target, FlowSettings settings, Topology topology, String runId,
                 JsonLine shape, String shapeText) throws UsageException {
        int clients = topology.publishers() + topology.subscribers();
        long available = OpenFiles.available();
        if (available >= 0 && clients > available) {
            throw new UsageException(clients + " clients need " + clients
                    + " sockets, but this process may open only " + available + " more files (limit "
                    + OpenFiles.limit() + ", ulimit -n)");
        }
        this.name = name;
        this.target = target;
        this.settings = settings;
        this.topology = topology;
        this.runId = runId;
        this.shape = shape;
        this.shapeText = shapeText;
    }

    @Override
    public Duration timeLimit() {
        return bound(target, settings, topology.subscribers(), topology.publishers()).plus(MARGIN);
    }

    /**
     * The longest a {@link org.reef.bench.flow.FlowRun} may take: connecting, each batch of {@code pending}
     * handshakes within the connect timeout (and no faster than the connect rate), twice (subscribers, publishers),
     * plus one more for the SUBACKs; then warm-up, measurement and drain. Disconnecting is left to the caller's
     * margin.
     */
    static Duration bound(BrokerTarget target, FlowSettings settings, int subscribers, int publishers) {
        long batches = ceilDiv(subscribers, settings.maxPendingConnects())
                + ceilDiv(publishers, settings.maxPendingConnects()) + 1;
        Duration paced = settings.connectRate() > 0
                ? Duration.ofMillis((long) Math.ceil((subscribers + publishers) * 1_000 / settings.connectRate()))
                : Duration.ZERO;
        return target.connectTimeout().multipliedBy(batches).plus(paced)
                .plus(settings.warmup()).plus(settings.duration()).plus(settings.drain());
    }

    @Override
    public Report run(Deadline deadline, Progress progress) throws BenchException, InterruptedException {
        progress.say("%s: %s, %s, run %s (client: %s)", name, shapeText, target.describe(), runId,
                target.describeClientSide());
        try (ClientTransport transport = target.openTransport()) {
            FlowRun run = new FlowRun(transport, target.clientSettings("bench-" + runId), topology, settings,
                    BinaryStampFormat.INSTANCE, ClientListeners.PLAIN, target.connectTimeout(), progress);
            FlowOutcome outcome = run.run(deadline);
            return FlowReport.of(name, target.mqtt(), target.describe(), shape, shapeText, settings, outcome);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
