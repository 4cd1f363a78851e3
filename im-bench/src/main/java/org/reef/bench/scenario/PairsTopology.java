package org.reef.bench.scenario;

import org.reef.bench.flow.Topology;

/** The 1:1 chat shape: sender i publishes to {@code <prefix>/pair/i}, which only receiver i subscribes to. */
record PairsTopology(String prefix, int pairs) implements Topology {

    @Override
    public int publishers() {
        return pairs;
    }

    @Override
    public int subscribers() {
        return pairs;
    }

    @Override
    public String publishTopic(int publisher) {
        return prefix + "/pair/" + publisher;
    }

    @Override
    public String subscriptionFilter(int subscriber) {
        return prefix + "/pair/" + subscriber;
    }

    @Override
    public int[] sourcesOf(int subscriber) {
        return new int[] {subscriber};
    }
}
