package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.im.Accounts;
import org.reef.bench.im.ImApi;
import org.reef.bench.im.ImMessageFormat;
import org.reef.bench.report.JsonLine;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The pairs shape through Reef's IM protocol: P users each chatting to their own partner. */
final class ImChatScenario {

    static final ScenarioSpec SPEC = new ScenarioSpec("im-chat",
            "pairs through Reef's IM protocol: P users each send to their partner, stored before PUBACK",
            """
            P pairs of accounts <prefix>-a<i> and <prefix>-b<i>, registered over HTTP (or reused from an
            earlier run with the same prefix) and logged in, each device signing in with its token. Sender i
            publishes text messages to im/send addressed to user:<prefix>-b<i> (QoS 1; the server acknowledges
            only once the message is stored in PostgreSQL) and hears the server's ack or error events on its
            own inbox; receiver i gets the messages on im/inbox/<prefix>-b<i>. Flat out (--rate 0, bounded by
            --inflight) or at a fixed total rate. Reports what pairs reports (loss counted by sender and
            clientMsgId, latency from the send time in the body to arrival) plus setup time, error events by
            code and whether each conversation's seqs arrived in order. Needs a server without a per-user send
            limit for rates above it (REEF_SEND_RATE=0).""",
            options(), ImChatScenario::create);

    private ImChatScenario() {
    }

    private static List<OptionSpec> options() {
        List<OptionSpec> options = new ArrayList<>(BrokerTarget.OPTIONS_WITHOUT_CREDENTIALS);
        options.addAll(ImSetup.OPTIONS);
        options.add(OptionSpec.value("pairs", "P", "100", "sender/receiver pairs"));
        options.addAll(FlowOptions.im(ImScenario.SIZE_TEXT, "0", ImScenario.INFLIGHT));
        return List.copyOf(options);
    }

    private static ImScenario create(Options options) throws UsageException {
        BrokerTarget target = BrokerTarget.from(options);
        ImSetup setup = ImSetup.from(options, target);
        int pairs = options.integer("pairs", 1, 10_000);
        return new ImScenario("im-chat", target, setup, FlowOptions.imSettings(options, ImMessageFormat.MINIMUM_BODY),
                new Chat(setup, pairs));
    }

    /** P senders and P receivers, pair i a direct conversation. */
    private record Chat(ImSetup setup, int pairs) implements ImScenario.Shape {

        @Override
        public List<String> users() {
            List<String> users = new ArrayList<>(senders());
            users.addAll(receivers());
            return users;
        }

        private List<String> senders() {
            return IntStream.range(0, pairs).mapToObj(i -> setup.username("a", i)).toList();
        }

        private List<String> receivers() {
            return IntStream.range(0, pairs).mapToObj(i -> setup.username("b", i)).toList();
        }

        @Override
        public int publishers() {
            return pairs;
        }

        @Override
        public int subscribers() {
            return pairs;
        }

        @Override
        public ImScenario.Prepared prepare(ImApi api, Accounts accounts, String runId, Deadline deadline,
                                           Progress progress) {
            return new ImScenario.Prepared(ImTopology.pairs(senders(), receivers(), accounts), new JsonLine(), null);
        }

        @Override
        public JsonLine json() {
            return new JsonLine().put("pairs", pairs);
        }

        @Override
        public String text() {
            return pairs + (pairs == 1 ? " pair" : " pairs");
        }
    }
}
