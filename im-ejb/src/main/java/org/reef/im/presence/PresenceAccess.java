package org.reef.im.presence;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import org.reef.im.moderation.BlockService;

/**
 * Who may see whose presence (security review L3): any signed-in user may see a user's presence, one user at a time
 * and by name, except a user that user blocked, who sees them offline. Presence is not enumerable: wildcard
 * subscriptions to {@code im/presence/} are refused ({@link org.reef.im.account.SubscriptionPolicy}). A block does
 * not end a presence subscription made before it; the next subscription is refused.
 */
@Stateless
public class PresenceAccess {

    @EJB
    private BlockService blocks;

    /** Whether {@code viewer} may see {@code user}'s presence. */
    public boolean maySee(String viewer, String user) {
        return viewer != null && !blocks.isBlocked(user, viewer);
    }
}
