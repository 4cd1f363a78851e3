package org.reef.bench.im;

import org.reef.bench.connect.FailureTally;

import java.util.concurrent.atomic.LongAdder;

/**
 * What every inbox of a run received besides the stamps: acknowledgements, error events by code, messages of other
 * runs, and anything else. Shared by every device's listener, hence adders.
 */
public final class InboxCounters {

    private final LongAdder events = new LongAdder();
    private final LongAdder acks = new LongAdder();
    private final FailureTally errors = new FailureTally();
    private final LongAdder otherRuns = new LongAdder();
    private final LongAdder systemMessages = new LongAdder();
    private final LongAdder unreadable = new LongAdder();
    private final FailureTally otherEvents = new FailureTally();

    void eventReceived() {
        events.increment();
    }

    void ackReceived() {
        acks.increment();
    }

    void errorReceived(String code) {
        errors.add(code == null ? "(no code)" : code);
    }

    void otherRunReceived() {
        otherRuns.increment();
    }

    void systemMessageReceived() {
        systemMessages.increment();
    }

    void unreadableReceived() {
        unreadable.increment();
    }

    /** An event a device of its role should not get, or of a type the benchmark does not use, by type. */
    void otherEventReceived(String description) {
        otherEvents.add(description);
    }

    /** Everything that arrived on any inbox. */
    public long events() {
        return events.sum();
    }

    /** Acknowledgement events of this run's messages, on the senders' inboxes. */
    public long acks() {
        return acks.sum();
    }

    /** Error events by code, e.g. {@code rate_limited}. */
    public FailureTally errors() {
        return errors;
    }

    /**
     * Message events of another run (same accounts, another tag), which a new device receives on subscription while
     * no device of its user has: on a sender's inbox the copies of what an earlier run sent (kept there for the
     * sender's other devices), on a receiver's what an aborted run left undelivered.
     */
    public long otherRuns() {
        return otherRuns.sum();
    }

    /**
     * Messages the server wrote itself ({@code "kind":"system"}): a group's creation and its members' arrival, which
     * every member's new device receives on subscription while no device of the member has.
     */
    public long systemMessages() {
        return systemMessages.sum();
    }

    /** Payloads on an inbox that were not a JSON event. */
    public long unreadable() {
        return unreadable.sum();
    }

    public FailureTally otherEvents() {
        return otherEvents;
    }
}
