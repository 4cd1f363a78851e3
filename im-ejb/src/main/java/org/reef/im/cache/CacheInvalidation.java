package org.reef.im.cache;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.reef.im.cluster.ClusterBus;
import org.reef.im.cluster.ClusterEvent;
import org.reef.im.delivery.AfterCommitPublisher;

/**
 * Tells the {@link SendCheckCache} of every node that an account's flag or a user's blocks changed, once the caller's
 * transaction committed (nothing on rollback): this node's at once, the others' through the cluster bus.
 */
@ApplicationScoped
public class CacheInvalidation {

    @Inject
    private SendCheckCache cache;

    @EJB
    private AfterCommitPublisher afterCommit;

    @EJB
    private ClusterBus cluster;

    /** The account was disabled or enabled in the caller's transaction. */
    public void accountChangedAfterCommit(String username) {
        afterCommit.afterCommit(() -> {
            cluster.send(new ClusterEvent.Invalidated(ClusterEvent.Invalidated.ACCOUNT, username));
            cache.accountChanged(username);
        });
    }

    /** The user blocked or unblocked someone in the caller's transaction. */
    public void blocksChangedAfterCommit(String blocker) {
        afterCommit.afterCommit(() -> {
            cluster.send(new ClusterEvent.Invalidated(ClusterEvent.Invalidated.BLOCKS, blocker));
            cache.blocksChanged(blocker);
        });
    }
}
