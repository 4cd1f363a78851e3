package org.reef.bench.scenario;

import org.reef.bench.cli.UsageException;
import org.reef.bench.client.ClientTransport;
import org.reef.bench.flow.FlowOutcome;
import org.reef.bench.flow.FlowRun;
import org.reef.bench.flow.FlowSettings;
import org.reef.bench.im.AccountSetup;
import org.reef.bench.im.Accounts;
import org.reef.bench.im.ImApi;
import org.reef.bench.im.ImListeners;
import org.reef.bench.im.ImMessageFormat;
import org.reef.bench.report.JsonLine;
import org.reef.bench.report.Report;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.OpenFiles;
import org.reef.bench.run.Progress;

import java.time.Duration;
import java.util.List;

/**
 * A messaging scenario through Reef's IM protocol: what im-chat and im-group share. First the setup, which the
 * measurement does not include: accounts registered (or reused) and logged in over HTTP, and whatever else the shape
 * needs (a group). Then a {@link FlowRun} like pairs and fan-out, with every device signed in with its user's token,
 * messages sent to {@code im/send} and deliveries read off the inboxes, so that every message is stored in
 * PostgreSQL before its PUBACK.
 */
final class ImScenario implements Scenario {

    /** What --size means in the IM scenarios. */
    static final String SIZE_TEXT = "characters of each message's text body, at least " + ImMessageFormat.MINIMUM_BODY
            + " (send time and sequence number, padded with dots)";
    /**
     * The default in-flight window of an IM sender: below Reef's default REEF_MQTT_MAX_INFLIGHT (64), since Reef closes
     * an MQTT 3.1.1 connection that has more PUBLISHes than that awaiting their PUBACK (MQTT 5 clients learn the bound
     * from CONNACK's Receive Maximum), and an im/send is acknowledged only once stored.
     */
    static final String INFLIGHT = "32";
    private static final Duration MARGIN = Duration.ofSeconds(20);
    /**
     * The largest inbox event a device accepts: Reef's default REEF_MQTT_MAX_PACKET_SIZE. A group's system messages
     * list members (the creation names everyone added with it), so events are not bounded by the run's body size.
     */
    private static final int MAX_EVENT_BYTES = 262_144;

    /** What tells the IM scenarios apart. */
    interface Shape {

        /** Every account the run signs in as. */
        List<String> users();

        int publishers();

        int subscribers();

        /** Sets up what else the shape needs once the accounts are ready, and says who talks to whom. */
        Prepared prepare(ImApi api, Accounts accounts, String runId, Deadline deadline, Progress progress)
                throws BenchException, InterruptedException;

        /** The shape's fields in the JSON line, e.g. {@code "pairs":100}. */
        JsonLine json();

        /** The shape in words, e.g. {@code 100 pairs}. */
        String text();
    }

    /**
     * The outcome of a shape's own setup.
     *
     * @param json what the report should say about it, e.g. the group id
     * @param text the same in words, or null
     */
    record Prepared(ImTopology topology, JsonLine json, String text) {
    }

    private final String name;
    private final BrokerTarget target;
    private final ImSetup setup;
    private final FlowSettings settings;
    private final Shape shape;
    private final String runId = RunId.next();

    ImScenario(String name, BrokerTarget target, ImSetup setup, FlowSettings settings, Shape shape)
            throws UsageException {
        int clients = shape.publishers() + shape.subscribers();
        long available = OpenFiles.available();
        if (available >= 0 && clients > available) {
            throw new UsageException(clients + " clients need " + clients
                    + " sockets, but this process may open only " + available + " more files (limit "
                    + OpenFiles.limit() + ", ulimit -n)");
        }
        this.name = name;
        this.target = target;
        this.setup = setup;
        this.settings = settings;
        this.shape = shape;
    }

    /** The setup bound, then the bounds of the messaging run and its settling, and a margin for disconnecting. */
    @Override
    public Duration timeLimit() {
        return setup.setupTimeout().plus(ImListeners.SETTLE_BOUND)
                .plus(FlowScenario.bound(target, settings, shape.subscribers(), shape.publishers())).plus(MARGIN);
    }

    @Override
    public Report run(Deadline deadline, Progress progress) throws BenchException, InterruptedException {
        progress.say("%s: %s, %s, HTTP API %s, run %s (client: %s)", name, shape.text(), target.describe(),
                setup.api(), runId, target.describeClientSide());
        long setupStart = System.nanoTime();
        Deadline setupDeadline = deadline.within(setup.setupTimeout());
        ImApi api = new ImApi(setup.api(), ImSetup.REQUEST_TIMEOUT);
        progress.say("setup: signing in %d users (prefix %s), %d at a time", shape.users().size(), setup.prefix(),
                setup.parallel());
        Accounts accounts = new AccountSetup(api, setup.parallel(), progress)
                .prepare(shape.users(), setup.password(), setupDeadline);
        Prepared prepared = shape.prepare(api, accounts, runId, setupDeadline, progress);
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        progress.say("setup done in %.1f s: %d users registered, %d reused%s", setupSeconds, accounts.registered(),
                accounts.existing(), prepared.text() == null ? "" : "; " + prepared.text());

        ImTopology topology = prepared.topology();
        ImMessageFormat format = new ImMessageFormat(ImMessageFormat.newTag(runId), topology.senders(),
                topology.recipients());
        ImListeners listeners = new ImListeners(format);
        try (ClientTransport transport = target.openTransport();
             ClientTransport receiving = setup.receiverPort() == 0 ? null
                     : target.openTransport(setup.receiverPort())) {
            if (receiving != null) {
                progress.say("receiving devices connect to port %d", setup.receiverPort());
            }
            FlowRun run = new FlowRun(transport, receiving == null ? transport : receiving,
                    target.clientSettings("bench-" + runId).withMaxPacketBytes(MAX_EVENT_BYTES), topology, settings,
                    format, listeners, target.connectTimeout(), progress);
            FlowOutcome outcome = run.run(deadline);
            return new ImReport(name, target, setup, shape, settings).of(outcome, accounts, setupSeconds, prepared,
                    listeners);
        }
    }
}
