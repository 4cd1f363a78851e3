package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.im.Accounts;
import org.reef.bench.im.GroupSetup;
import org.reef.bench.im.ImApi;
import org.reef.bench.im.ImMessageFormat;
import org.reef.bench.report.JsonLine;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The fan-out shape through Reef's IM protocol: one group, K of its M members sending, every member receiving. */
final class ImGroupScenario {

    static final ScenarioSpec SPEC = new ScenarioSpec("im-group",
            "group through Reef's IM protocol: K senders to a group of M members, every member device receives",
            """
            M accounts <prefix>-m<i>, registered over HTTP (or reused) and logged in; <prefix>-m0 creates the
            group "bench <prefix> <M>" and adds the others (in batches of 100), or reuses that group from an
            earlier run (a new group's system messages would first flood every new device). Every member has
            one device on its inbox; the run waits until what the server hands them on subscription arrived.
            Members 0..K-1 also send, from a second device of theirs: text messages to im/send addressed to
            group:<id>, QoS 1, stored before PUBACK, at --rate messages/s in total. Every message is owed to
            all M receiving devices, the sender's own included (it is another device of the sender), so
            deliveries are M times the messages. Reports delivered messages/s (deliveries), expected and
            delivered deliveries, loss, duplicates, latency, error events by code and conversation order.""",
            options(), ImGroupScenario::create);

    private ImGroupScenario() {
    }

    private static List<OptionSpec> options() {
        List<OptionSpec> options = new ArrayList<>(BrokerTarget.OPTIONS_WITHOUT_CREDENTIALS);
        options.addAll(ImSetup.OPTIONS);
        options.add(OptionSpec.value("members", "M", "500", "members of the group, one receiving device each"));
        options.add(OptionSpec.value("senders", "K", "1", "members that also send, from a second device"));
        options.addAll(FlowOptions.im(ImScenario.SIZE_TEXT, "10", ImScenario.INFLIGHT));
        return List.copyOf(options);
    }

    private static ImScenario create(Options options) throws UsageException {
        BrokerTarget target = BrokerTarget.from(options);
        ImSetup setup = ImSetup.from(options, target);
        int members = options.integer("members", 2, 19_000);
        int senders = options.integer("senders", 1, members);
        return new ImScenario("im-group", target, setup, FlowOptions.imSettings(options, ImMessageFormat.MINIMUM_BODY),
                new Group(setup, members, senders));
    }

    /** M members, the first K of them sending too. */
    private record Group(ImSetup setup, int members, int senders) implements ImScenario.Shape {

        @Override
        public List<String> users() {
            return IntStream.range(0, members).mapToObj(i -> setup.username("m", i)).toList();
        }

        @Override
        public int publishers() {
            return senders;
        }

        @Override
        public int subscribers() {
            return members;
        }

        @Override
        public ImScenario.Prepared prepare(ImApi api, Accounts accounts, String runId, Deadline deadline,
                                           Progress progress) throws BenchException, InterruptedException {
            List<String> users = users();
            String name = "bench " + setup.prefix() + " " + members;
            GroupSetup.Ready ready = GroupSetup.prepare(api, accounts.token(users.get(0)), name, users, deadline,
                    progress);
            ImApi.Group group = ready.group();
            ImTopology topology = ImTopology.group(users.subList(0, senders), group.conversation(), users, accounts);
            Long listed = group.members() == null ? null : (long) group.members().size();
            return new ImScenario.Prepared(topology,
                    new JsonLine().put("group", group.conversation()).put("groupReused", ready.reused())
                            .putNullable("groupMembers", listed),
                    "group " + group.conversation() + (ready.reused() ? " reused" : " created") + " with "
                            + (listed == null ? members + " members" : listed + " members by the server's answer"));
        }

        @Override
        public JsonLine json() {
            return new JsonLine().put("members", members).put("senders", senders);
        }

        @Override
        public String text() {
            return senders + (senders == 1 ? " sender" : " senders") + " to a group of " + members + " members";
        }
    }
}
