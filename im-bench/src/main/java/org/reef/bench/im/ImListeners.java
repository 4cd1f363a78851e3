package org.reef.bench.im;

import org.reef.bench.client.MessageListener;
import org.reef.bench.flow.ClientListeners;
import org.reef.bench.flow.Receiver;
import org.reef.bench.measure.PublishLog;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.time.Duration;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The listeners of an IM run: every device subscribes to its user's inbox, where receiving devices find the messages
 * and sending devices the acknowledgements and refusals of what they sent. Keeps them, for the totals.
 */
public final class ImListeners implements ClientListeners {

    /** No inbox event for this long: what the server had for the new devices has arrived. */
    static final Duration QUIET = Duration.ofSeconds(1);
    /** The longest the settling may take, so that a server streaming something else cannot hold the run. */
    public static final Duration SETTLE_BOUND = Duration.ofSeconds(300);

    private final ImMessageFormat format;
    private final InboxCounters counters = new InboxCounters();
    private final List<ReceiverInbox> receivers = new CopyOnWriteArrayList<>();

    public ImListeners(ImMessageFormat format) {
        this.format = format;
    }

    @Override
    public MessageListener subscriber(int subscriber, Receiver receiver) {
        ReceiverInbox inbox = new ReceiverInbox(format, receiver, counters);
        receivers.add(inbox);
        return inbox;
    }

    @Override
    public MessageListener publisher(int publisher, PublishLog log) {
        return new SenderInbox(format, log, counters);
    }

    /**
     * Waits until no inbox has received anything for {@link #QUIET}, at most {@link #SETTLE_BOUND}: a sending device
     * of a reused account first gets the copies of what the previous run sent, and the members of a new group get
     * its system messages (its creation, every member added).
     */
    @Override
    public void settle(Deadline deadline, Progress progress) throws InterruptedException {
        Deadline bound = deadline.within(SETTLE_BOUND);
        long start = System.nanoTime();
        long seen = counters.events();
        long quietSince = start;
        while (System.nanoTime() - quietSince < QUIET.toNanos() && !bound.expired()) {
            bound.sleepUntil(System.nanoTime() + QUIET.toNanos() / 10);
            long now = counters.events();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
        }
        if (seen > 0) {
            progress.say("settled: %d events delivered on subscription (%d system messages, %d of earlier runs) in"
                    + " %.1f s%s", seen, counters.systemMessages(), counters.otherRuns(),
                    (System.nanoTime() - start) / 1e9, bound.expired() ? ", still arriving at the bound" : "");
        }
    }

    public InboxCounters counters() {
        return counters;
    }

    /** Conversation order over every receiving device: out of order, repeats, gaps, unnumbered. */
    public OrderTotals order() {
        long outOfOrder = 0;
        long repeats = 0;
        long gaps = 0;
        long unnumbered = 0;
        for (ReceiverInbox inbox : receivers) {
            ConversationOrder order = inbox.order();
            outOfOrder += order.outOfOrder();
            repeats += order.repeats();
            gaps += order.gaps();
            unnumbered += order.unnumbered();
        }
        return new OrderTotals(outOfOrder, repeats, gaps, unnumbered);
    }

    /** {@link ConversationOrder}'s figures summed over devices. */
    public record OrderTotals(long outOfOrder, long repeats, long gaps, long unnumbered) {

        public boolean inOrder() {
            return outOfOrder == 0 && gaps == 0 && unnumbered == 0;
        }
    }
}
