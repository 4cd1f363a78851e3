package org.reef.im.cluster;

import org.wildfly.clustering.server.dispatcher.RuntimeCommand;

/**
 * The one command Reef sends between nodes: a batch of {@link ClusterEvent}s in {@link ClusterEventCodec}'s format,
 * executed on each receiving node against its {@link ClusterBus.Receiver}. WildFly's command dispatcher marshals it
 * with ProtoStream ({@link ClusterBatchSchema}); the events stay in Reef's own compact format inside.
 */
final class ClusterBatch implements RuntimeCommand<Void, ClusterBus.Receiver> {

    private final byte[] events;

    ClusterBatch(byte[] events) {
        this.events = events;
    }

    byte[] events() {
        return events;
    }

    @Override
    public Void execute(ClusterBus.Receiver receiver) {
        receiver.receive(events);
        return null;
    }
}
