package org.reef.bench.scenario;

import org.reef.bench.flow.Topology;

import java.util.stream.IntStream;

/** The group shape: every publisher publishes to {@code <prefix>/group}, every subscriber receives them all. */
record FanoutTopology(String prefix, int publishers, int subscribers) implements Topology {

    @Override
    public String publishTopic(int publisher) {
        return prefix + "/group";
    }

    @Override
    public String subscriptionFilter(int subscriber) {
        return prefix + "/group";
    }

    @Override
    public int[] sourcesOf(int subscriber) {
        return IntStream.range(0, publishers).toArray();
    }
}
