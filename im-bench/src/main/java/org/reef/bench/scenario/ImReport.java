package org.reef.bench.scenario;

import org.reef.bench.flow.FlowOutcome;
import org.reef.bench.flow.FlowReport;
import org.reef.bench.flow.FlowSettings;
import org.reef.bench.im.Accounts;
import org.reef.bench.im.ImListeners;
import org.reef.bench.im.InboxCounters;
import org.reef.bench.report.JsonLine;
import org.reef.bench.report.Report;

/**
 * The report of an IM scenario: the figures of every messaging run ({@link FlowReport}, same JSON names, so a script
 * reads pairs and im-chat alike), then what only the IM protocol has: the setup (not measured), the server's
 * acknowledgement and error events, and the order of the conversations' seqs as the devices saw them.
 */
final class ImReport {

    private final String name;
    private final BrokerTarget target;
    private final ImSetup setup;
    private final ImScenario.Shape shape;
    private final FlowSettings settings;

    ImReport(String name, BrokerTarget target, ImSetup setup, ImScenario.Shape shape, FlowSettings settings) {
        this.name = name;
        this.target = target;
        this.setup = setup;
        this.shape = shape;
        this.settings = settings;
    }

    Report of(FlowOutcome outcome, Accounts accounts, double setupSeconds, ImScenario.Prepared prepared,
              ImListeners listeners) {
        Report report = FlowReport.of(name, target.mqtt(), target.describe(), shape.json(), shape.text(),
                settings.size() + "-character text bodies", settings, outcome);
        InboxCounters counters = listeners.counters();
        ImListeners.OrderTotals order = listeners.order();
        report.line("setup (not measured): %d users (%d registered, %d reused) signed in over %s in %.1f s%s",
                accounts.tokens().size(), accounts.registered(), accounts.existing(), setup.api(), setupSeconds,
                prepared.text() == null ? "" : "; " + prepared.text());
        report.line("server events: %d acks for %d messages sent; error events: %s", counters.acks(),
                outcome.tally().sent(), counters.errors().describe());
        report.line("conversation seqs as delivered: %s; repeats %d", order.inOrder() ? "in order, no gaps"
                : String.format("%d out of order, %d missing, %d unnumbered", order.outOfOrder(), order.gaps(),
                order.unnumbered()), order.repeats());
        report.line("handed out on subscription, before publishing: %d system messages, %d messages of earlier runs;"
                        + " other events: %s%s", counters.systemMessages(), counters.otherRuns(),
                counters.otherEvents().describe(),
                counters.unreadable() == 0 ? "" : "; unreadable " + counters.unreadable());
        if (counters.errors().counts().containsKey("rate_limited")) {
            report.line("note: the server limits sends per user (REEF_SEND_RATE, REEF_SEND_BURST); start it with"
                    + " REEF_SEND_RATE=0 to measure it rather than its limit");
        }
        report.json()
                .put("users", accounts.tokens().size())
                .put("registered", accounts.registered())
                .put("reused", accounts.existing())
                .put("setupSeconds", setupSeconds)
                .putAll(prepared.json())
                .put("acks", counters.acks())
                .put("errorEvents", counters.errors().total())
                .put("errors", counters.errors().toJson())
                .put("conversationOutOfOrder", order.outOfOrder())
                .put("conversationGaps", order.gaps())
                .put("conversationRepeats", order.repeats())
                .put("conversationUnnumbered", order.unnumbered())
                .put("inConversationOrder", order.inOrder())
                .put("systemMessages", counters.systemMessages())
                .put("otherRunMessages", counters.otherRuns())
                .put("unreadableEvents", counters.unreadable())
                .put("otherEvents", counters.otherEvents().toJson());
        return report;
    }
}
