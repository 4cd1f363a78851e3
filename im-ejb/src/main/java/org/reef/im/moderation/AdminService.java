package org.reef.im.moderation;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import org.reef.im.cache.CacheInvalidation;
import org.reef.im.account.AccountService;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.delivery.InboxPump;
import org.reef.im.delivery.InboxService;
import org.reef.im.domain.Account;
import org.reef.im.domain.ContentRule;
import org.reef.im.domain.DeviceSession;
import org.reef.im.domain.InboxEntry;
import org.reef.im.domain.Message;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.PatternSyntaxException;

/**
 * What administrators do: see who is online, disable and enable users, delete messages, manage the content filter.
 * Every method checks that the acting user is an enabled administrator.
 */
@Stateless
public class AdminService {

    private static final Logger LOG = Logger.getLogger(AdminService.class.getName());

    public static final int MAX_PATTERN = 200;
    public static final int MAX_SESSIONS = 10_000;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private AccountService accounts;

    @EJB
    private AfterCommitPublisher mqtt;

    @Inject
    private CacheInvalidation invalidation;

    @EJB
    private InboxService inbox;

    @EJB
    private InboxPump pump;

    @EJB
    private ContentFilter contentFilter;

    @EJB
    private RefusalCounter refusals;

    /** Refuses ({@code forbidden}) anybody but an enabled administrator. */
    public void requireAdmin(String actor) {
        if (accounts.find(actor).filter(a -> a.isAdmin() && !a.isDisabled()).isEmpty()) {
            throw new ImException(ImError.FORBIDDEN, "administrators only");
        }
    }

    /** The connected devices of all users, by user. */
    public List<DeviceSession> sessions(String actor) {
        requireAdmin(actor);
        return em.createQuery("select d from DeviceSession d where d.connected = true order by d.username, d.clientId",
                DeviceSession.class).setMaxResults(MAX_SESSIONS).getResultList();
    }

    /**
     * Disables a user: their tokens are revoked, and once that commits their devices are disconnected; they can
     * neither log in nor be messaged until enabled again. Returns how many devices were told to go.
     */
    public int disable(String actor, String username) {
        requireAdmin(actor);
        if (actor.equals(username)) {
            throw new ImException(ImError.INVALID, "you cannot disable yourself");
        }
        Account account = lockAccount(username);
        account.setDisabled(true);
        invalidation.accountChangedAfterCommit(username);
        em.createQuery("update AccessToken t set t.revokedAt = :now where t.username = :username "
                + "and t.revokedAt is null").setParameter("now", Instant.now()).setParameter("username", username)
                .executeUpdate();
        List<String> devices = em.createQuery("select d.clientId from DeviceSession d where d.username = :username",
                String.class).setParameter("username", username).getResultList();
        devices.forEach(clientId -> mqtt.disconnectAfterCommit(clientId, username));
        LOG.info("User " + username + " disabled by " + actor + ", " + devices.size() + " device(s) disconnected");
        return devices.size();
    }

    public void enable(String actor, String username) {
        requireAdmin(actor);
        lockAccount(username).setDisabled(false);
        invalidation.accountChangedAfterCommit(username);
        LOG.info("User " + username + " enabled by " + actor);
    }

    /**
     * Replaces a message by its tombstone; the conversation's members receive {@code message_deleted} on their
     * inboxes (durably, like a message) and history shows the tombstone in the message's place.
     */
    public Message deleteMessage(String actor, String messageId) {
        requireAdmin(actor);
        Message message = messageId == null || messageId.length() > 36 ? null
                : em.find(Message.class, messageId, LockModeType.PESSIMISTIC_WRITE);
        if (message == null) {
            throw new ImException(ImError.NOT_FOUND, "no message " + messageId);
        }
        if (message.isDeleted()) {
            return message;
        }
        message.tombstone(actor, Instant.now());
        Map<String, Long> positions = inbox.appendToMembersSince(message.getId(), InboxEntry.DELETED,
                message.getConversationId(), message.getSeq(), "", null);
        byte[] event = Events.bytes(Events.deleted(message));
        mqtt.afterCommit(() -> pump.newEntries(positions, event, null));
        LOG.info("Message " + messageId + " of " + message.getConversationId() + " deleted by " + actor);
        return message;
    }

    public List<ContentRule> contentRules(String actor) {
        requireAdmin(actor);
        return em.createNamedQuery(ContentRule.ALL, ContentRule.class).getResultList();
    }

    /** Adds a pattern (a regular expression, matched case-insensitively) to the content filter. */
    public ContentRule addContentRule(String actor, String pattern) {
        requireAdmin(actor);
        if (pattern == null || pattern.isBlank() || pattern.length() > MAX_PATTERN) {
            throw new ImException(ImError.INVALID, "pattern must have 1 to " + MAX_PATTERN + " characters");
        }
        try {
            ContentFilter.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new ImException(ImError.INVALID, "pattern is not a valid regular expression: " + e.getDescription());
        }
        // rules are matched one by one, so a rule cannot change how another is read

        ContentRule rule = new ContentRule(pattern, actor, Instant.now());
        em.persist(rule);
        em.flush();
        mqtt.afterCommit(contentFilter::invalidate);
        return rule;
    }

    public void removeContentRule(String actor, String id) {
        requireAdmin(actor);
        ContentRule rule;
        try {
            rule = em.find(ContentRule.class, Long.parseLong(id));
        } catch (NumberFormatException e) {
            rule = null;
        }
        if (rule == null) {
            throw new ImException(ImError.NOT_FOUND, "no content filter rule " + id);
        }
        em.remove(rule);
        mqtt.afterCommit(contentFilter::invalidate);
    }

    /** Refusals counted on this server since it started, by error. */
    public Map<ImError, Long> refusals(String actor) {
        requireAdmin(actor);
        return refusals.counts();
    }

    private Account lockAccount(String username) {
        if (accounts.find(username).isEmpty()) {
            throw new ImException(ImError.NOT_FOUND, "no user " + username);
        }
        return em.find(Account.class, username, LockModeType.PESSIMISTIC_WRITE);
    }
}
