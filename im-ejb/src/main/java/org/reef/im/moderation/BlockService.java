package org.reef.im.moderation;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.reef.im.cache.CacheInvalidation;
import org.reef.im.account.AccountService;
import org.reef.im.domain.UserBlock;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.time.Instant;
import java.util.List;

/** Blocks between users: who blocks whom, and the check the senders go through. */
@Stateless
public class BlockService {

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private AccountService accounts;

    @Inject
    private CacheInvalidation invalidation;

    /** {@code blocker} blocks {@code blocked}; blocking twice changes nothing. */
    public void block(String blocker, String blocked) {
        if (blocker.equals(blocked)) {
            throw new ImException(ImError.INVALID, "you cannot block yourself");
        }
        if (accounts.find(blocked).isEmpty()) {
            throw new ImException(ImError.NOT_FOUND, "no user " + blocked);
        }
        em.createNativeQuery("insert into user_block (blocker, blocked, created_at) values (?1, ?2, ?3) "
                + "on conflict do nothing").setParameter(1, blocker).setParameter(2, blocked)
                .setParameter(3, Instant.now()).executeUpdate();
        invalidation.blocksChangedAfterCommit(blocker);
    }

    /** Lifts a block; returns whether there was one. */
    public boolean unblock(String blocker, String blocked) {
        UserBlock block = em.find(UserBlock.class, new UserBlock.Key(blocker, blocked));
        if (block == null) {
            return false;
        }
        em.remove(block);
        invalidation.blocksChangedAfterCommit(blocker);
        return true;
    }

    /** A page of the users the blocker blocks, by name. */
    public List<UserBlock> blocksOf(String blocker, int offset, int limit) {
        return em.createNamedQuery(UserBlock.OF_BLOCKER, UserBlock.class).setParameter("blocker", blocker)
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    public boolean isBlocked(String blocker, String blocked) {
        return em.find(UserBlock.class, new UserBlock.Key(blocker, blocked)) != null;
    }

    /** Refuses with {@code blocked} when {@code recipient} blocked {@code sender}. */
    public void requireNotBlocked(String recipient, String sender) {
        if (isBlocked(recipient, sender)) {
            throw new ImException(ImError.BLOCKED, "you cannot reach " + recipient);
        }
    }
}
