package org.reef.im.chat;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import org.reef.im.account.AccountService;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.delivery.InboxPump;
import org.reef.im.delivery.InboxService;
import org.reef.im.domain.Account;
import org.reef.im.domain.Conversation;
import org.reef.im.domain.ConversationMember;
import org.reef.im.domain.Message;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Sends messages (Reef IM protocol v1): validates the recipient, stores the message with the conversation's next
 * seq in the caller's transaction, and, once that commits, acknowledges it to the sender's devices and delivers it to
 * the recipient's devices and the sender's other devices, all on their inboxes. A retried {@code clientMsgId}
 * stores nothing and is acknowledged again with the same id and seq.
 */
@Stateless
public class MessagingService {

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private AccountService accounts;

    @EJB
    private AfterCommitPublisher mqtt;

    @EJB
    private InboxService inbox;

    @EJB
    private InboxPump pump;

    /** The stored message and whether it was a retry of an earlier send. */
    public record SendResult(Message message, boolean duplicate) {
    }

    /**
     * @param sender         the authenticated user
     * @param senderClientId the sending device (it gets the ack, not the copy of its own message), or null for HTTP
     * @param conversationId the conversation when the caller named it (HTTP), else null and {@code command.to()}
     */
    public SendResult send(String sender, String senderClientId, SendCommand command, String conversationId) {
        String recipient = recipientOf(sender, command, conversationId);
        Account to = accounts.find(recipient).filter(a -> !a.isDisabled())
                .orElseThrow(() -> new ImException(ImError.UNKNOWN_RECIPIENT, "no user " + recipient));
        String conversation = Conversations.direct(sender, to.getUsername());
        if (command.isTyping()) {
            mqtt.publishAfterCommit(Events.INBOX + recipient,
                    Events.bytes(Events.typing(conversation, sender, command.body())), 0);
            return new SendResult(null, false);
        }
        SendResult retried = retried(sender, command.clientMsgId());
        if (retried != null) {
            return retried;
        }
        Conversation row = lockConversation(conversation, sender, recipient);
        retried = retried(sender, command.clientMsgId()); // a concurrent retry may have stored it meanwhile
        if (retried != null) {
            return retried;
        }
        Instant now = Instant.now();
        Message message = new Message(UUID.randomUUID().toString(), conversation, row.nextSeq(now), sender,
                Conversations.USER_PREFIX + recipient, command.kind(), command.body(), command.clientMsgId(), now);
        em.persist(message);
        em.flush(); // a concurrent retry with the same clientMsgId fails here, inside this transaction
        List<String> inboxes = recipient.equals(sender) ? List.of(sender) : List.of(sender, recipient);
        inbox.append(message, inboxes, senderClientId);
        mqtt.publishAfterCommit(Events.INBOX + sender, Events.bytes(Events.ack(message)), 1);
        mqtt.afterCommit(() -> inboxes.forEach(pump::newEntries));
        return new SendResult(message, false);
    }

    /** The earlier send with this clientMsgId, acknowledged again, or null. */
    private SendResult retried(String sender, String clientMsgId) {
        List<Message> earlier = em.createNamedQuery(Message.BY_CLIENT_ID, Message.class)
                .setParameter("sender", sender).setParameter("clientMsgId", clientMsgId).getResultList();
        if (earlier.isEmpty()) {
            return null;
        }
        Message message = earlier.get(0);
        mqtt.publishAfterCommit(Events.INBOX + sender, Events.bytes(Events.ack(message)), 1);
        return new SendResult(message, true);
    }

    private static String recipientOf(String sender, SendCommand command, String conversationId) {
        if (conversationId == null) {
            return Conversations.userOf(command.to());
        }
        String[] members = Conversations.membersOfDirect(conversationId);
        if (!members[0].equals(sender) && !members[1].equals(sender)) {
            throw new ImException(ImError.NOT_FOUND, "no conversation " + conversationId);
        }
        return members[0].equals(sender) ? members[1] : members[0];
    }

    /** The conversation row, created with its members on first use, locked for the seq. */
    private Conversation lockConversation(String id, String one, String other) {
        Conversation conversation = em.find(Conversation.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (conversation != null) {
            return conversation;
        }
        em.createNativeQuery("INSERT INTO conversation (id, kind, last_seq, created_at) VALUES (?1, 'direct', 0, ?2) "
                + "ON CONFLICT (id) DO NOTHING").setParameter(1, id).setParameter(2, Instant.now()).executeUpdate();
        for (String member : one.equals(other) ? List.of(one) : List.of(one, other)) {
            em.createNativeQuery("INSERT INTO conversation_member (conversation_id, username, read_seq, delivered_seq) "
                    + "VALUES (?1, ?2, 0, 0) ON CONFLICT DO NOTHING").setParameter(1, id).setParameter(2, member)
                    .executeUpdate();
        }
        return em.find(Conversation.class, id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Whether the user takes part in the conversation. */
    public boolean isMember(String conversationId, String username) {
        return em.find(ConversationMember.class, new ConversationMember.Key(conversationId, username)) != null;
    }
}
