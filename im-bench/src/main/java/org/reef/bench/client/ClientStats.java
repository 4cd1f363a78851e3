package org.reef.bench.client;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters shared by every client of a transport, for figures no single scenario owns: keep-alive pings prove an
 * idle connection is really being kept alive, not just left open. LongAdders, as every event loop writes them.
 */
public final class ClientStats {

    private final LongAdder pingsSent = new LongAdder();
    private final LongAdder pingResponses = new LongAdder();

    void pingSent() {
        pingsSent.increment();
    }

    void pingAnswered() {
        pingResponses.increment();
    }

    public long pingsSent() {
        return pingsSent.sum();
    }

    public long pingResponses() {
        return pingResponses.sum();
    }
}
