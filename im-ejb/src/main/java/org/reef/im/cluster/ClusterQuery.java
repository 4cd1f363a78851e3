package org.reef.im.cluster;

import org.wildfly.clustering.server.dispatcher.RuntimeCommand;

/**
 * A question one node asks every other and waits for: how many of your sessions subscribe to this filter, does one of
 * these client ids of yours. Each answers with a count; the asking node adds them up. For what must be counted
 * cluster-wide at the moment it is decided (a room's size limit, whether a sender is in a room), where an event sent
 * later would be too late.
 */
final class ClusterQuery implements RuntimeCommand<Integer, ClusterBus.Receiver> {

    static final int SUBSCRIBERS = 1;
    static final int ANY_SUBSCRIBED = 2;

    private final byte[] query;

    ClusterQuery(byte[] query) {
        this.query = query;
    }

    byte[] query() {
        return query;
    }

    @Override
    public Integer execute(ClusterBus.Receiver receiver) {
        return receiver.answer(query);
    }
}
