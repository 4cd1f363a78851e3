package org.reef.im.chat;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
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
import org.reef.im.domain.InboxEntry;
import org.reef.im.domain.Message;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.metrics.ImMetrics;
import org.reef.im.moderation.BlockService;
import org.reef.im.moderation.ContentFilter;
import org.reef.im.moderation.SendRateLimiter;
import org.reef.im.room.RoomService;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sends messages (Reef IM protocol v1) to a user, a group or a room. For users and groups: checks the sender may,
 * stores the message with the conversation's next seq in the caller's transaction, appends it to the inbox of every
 * member (one statement, whatever their number), and once that commits acknowledges it to the sender's devices and
 * delivers it to everybody's devices but the sending one. A retried {@code clientMsgId} stores nothing and is
 * acknowledged again with the same id and seq. Rooms store nothing: see {@link RoomService}.
 *
 * <p>Order of checks, so that every refusal stores nothing: rate limit, recipient, block or membership (under the
 * conversation's lock, so that a member removed concurrently cannot slip a message in after their removal),
 * content filter.
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

    @EJB
    private SendRateLimiter rateLimiter;

    @EJB
    private BlockService blocks;

    @EJB
    private ContentFilter contentFilter;

    @EJB
    private RoomService rooms;

    @Inject
    private ImMetrics metrics;

    /** The stored message (null for typing and room messages) and whether it was a retry of an earlier send. */
    public record SendResult(Message message, boolean duplicate) {
    }

    /**
     * @param sender         the authenticated user
     * @param senderClientId the sending device (it gets the ack, not the copy of its own message), or null for HTTP
     * @param conversationId the conversation when the caller named it (HTTP), else null and {@code command.to()}
     */
    public SendResult send(String sender, String senderClientId, SendCommand command, String conversationId) {
        rateLimiter.acquire(sender);
        accounts.requireEnabled(sender);
        Conversations.Target target = conversationId == null ? Conversations.target(sender, command.to(), false)
                : Conversations.target(sender, conversationId, true);
        return switch (target.kind()) {
            case DIRECT -> sendDirect(sender, senderClientId, command, target);
            case GROUP -> sendToGroup(sender, senderClientId, command, target);
            case ROOM -> {
                rooms.send(sender, senderClientId, target.name(), command);
                yield new SendResult(null, false);
            }
        };
    }

    private SendResult sendDirect(String sender, String senderClientId, SendCommand command,
                                  Conversations.Target target) {
        String recipient = target.name();
        Account to = accounts.find(recipient).filter(a -> !a.isDisabled())
                .orElseThrow(() -> new ImException(ImError.UNKNOWN_RECIPIENT, "no user " + recipient));
        blocks.requireNotBlocked(to.getUsername(), sender);
        if (command.isTyping()) {
            String typing = contentFilter.apply(command.body());
            mqtt.publishAfterCommit(Events.INBOX + recipient,
                    Events.bytes(Events.typing(target.conversation(), sender, typing)), 0);
            return new SendResult(null, false);
        }
        String body = contentFilter.apply(command.body()); // the last refusal: nothing is written before it
        SendResult retried = retried(sender, command.clientMsgId());
        if (retried != null) {
            return retried;
        }
        List<String> inboxes = recipient.equals(sender) ? List.of(sender) : List.of(sender, recipient);
        Message message = new Message(UUID.randomUUID().toString(), target.conversation(), 0, sender,
                target.address(), command.kind(), body, command.clientMsgId(), Instant.now());
        Map<String, Long> positions = storeDirect(message, inboxes, senderClientId);
        if (positions.isEmpty()) { // the conversation's first message: create it, then store
            createDirectConversation(target.conversation(), sender, recipient);
            positions = storeDirect(message, inboxes, senderClientId);
        }
        message = message.withSeq(seqOf(positions));
        deliver(message, positions, senderClientId, true);
        return new SendResult(message, false);
    }

    private SendResult sendToGroup(String sender, String senderClientId, SendCommand command,
                                   Conversations.Target target) {
        SendResult retried = command.isTyping() ? null : retried(sender, command.clientMsgId());
        if (retried != null) {
            return retried;
        }
        if (command.isTyping()) {
            // typing takes no lock: it is neither stored nor ordered
            if (!isMember(target.conversation(), sender)) {
                throw new ImException(ImError.NOT_A_MEMBER, "you are not a member of " + target.conversation());
            }
            byte[] typing = Events.bytes(Events.typing(target.conversation(), sender,
                    contentFilter.apply(command.body())));
            for (ConversationMember member : members(target.conversation())) {
                if (!member.getUsername().equals(sender)) {
                    mqtt.publishAfterCommit(Events.INBOX + member.getUsername(), typing, 0);
                }
            }
            return new SendResult(null, false);
        }
        Conversation row = em.find(Conversation.class, target.conversation(), LockModeType.PESSIMISTIC_WRITE);
        if (row == null || !isMember(target.conversation(), sender)) {
            throw new ImException(ImError.NOT_A_MEMBER, "you are not a member of " + target.conversation());
        }
        retried = retried(sender, command.clientMsgId());
        if (retried != null) {
            return retried;
        }
        String body = contentFilter.apply(command.body());
        Message message = store(row, sender, target.address(), command.kind(), body, command.clientMsgId());
        deliver(message, inbox.appendToMembers(message.getId(), InboxEntry.MESSAGE, target.conversation(), sender,
                senderClientId), senderClientId, true);
        return new SendResult(message, false);
    }

    /**
     * Stores a system message of a group ({@code "kind":"system"}, body such as
     * {@code {"event":"member_added","user":"carol","by":"alice"}}) and delivers it to the current members (a member
     * on their way out is still one). The caller holds the conversation's lock.
     */
    public Message system(Conversation lockedRow, String by, JsonObject body) {
        Message message = store(lockedRow, by, lockedRow.getId(), "system", body.toString(),
                "system:" + UUID.randomUUID());
        deliver(message, inbox.appendToMembers(message.getId(), InboxEntry.MESSAGE, lockedRow.getId(), by, null),
                null, false);
        return message;
    }

    /** The members of a conversation. */
    public List<ConversationMember> members(String conversationId) {
        return em.createNamedQuery(ConversationMember.OF_CONVERSATION, ConversationMember.class)
                .setParameter("conversation", conversationId).getResultList();
    }

    private Message store(Conversation row, String sender, String to, String kind, String body, String clientMsgId) {
        Instant now = Instant.now();
        return persist(new Message(UUID.randomUUID().toString(), row.getId(), row.nextSeq(now), sender, to, kind,
                body, clientMsgId, now));
    }

    private Message persist(Message message) {
        em.persist(message);
        em.flush(); // a concurrent retry with the same clientMsgId fails here, inside this transaction
        return message;
    }

    /** After commit: the ack to the sender's devices (if asked), and the entries to everybody's devices. */
    private void deliver(Message message, Map<String, Long> positions, String senderClientId, boolean ack) {
        if (ack) {
            mqtt.publishAfterCommit(Events.INBOX + message.getSender(), Events.bytes(Events.ack(message)), 1);
        }
        byte[] event = Events.bytes(Events.message(message));
        boolean group = !message.getConversationId().startsWith(Conversations.DM_PREFIX);
        mqtt.afterCommit(() -> {
            metrics.stored(group);
            pump.newEntries(positions, event, senderClientId);
        });
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

    /** The key under which {@link #storeDirect} reports the message's seq among the inbox positions. */
    private static final String SEQ = "";

    /**
     * Stores a direct message in one statement (one round trip): takes the conversation's next seq (which locks
     * its row until commit), inserts the message, and appends it to the users' inboxes, their account rows locked in
     * name order. Returns each user's inbox position and, under {@link #SEQ}, the seq; nothing if the conversation
     * does not exist yet. A concurrent send with the same clientMsgId (a client retrying while the first attempt is
     * in flight) fails on the unique constraint, and the client's next retry finds the stored message.
     */
    private Map<String, Long> storeDirect(Message message, List<String> users, String senderClientId) {
        em.flush();
        List<?> rows = em.createNativeQuery("with conv as (update conversation set last_seq = last_seq + 1, "
                        + "last_message_at = :at where id = :conversation returning last_seq), "
                        + "msg as (insert into message (id, conversation_id, seq, sender, recipient, kind, body, "
                        + "client_msg_id, sent_at) select :id, :conversation, conv.last_seq, :sender, :recipient, "
                        + ":kind, :body, :clientMsgId, :at from conv returning seq), "
                        + "locked as (select a.username from account a where a.username in (:users) "
                        + "order by a.username for no key update), "
                        + "bumped as (update account a set inbox_position = a.inbox_position + 1 from locked l "
                        + "where a.username = l.username and exists (select 1 from msg) "
                        + "returning a.username, a.inbox_position) "
                        + "insert into inbox_entry (username, position, message_id, except_client_id, event) "
                        + "select b.username, b.inbox_position, :id, case when b.username = :sender "
                        + "then cast(:except as varchar) end, 'message' from bumped b "
                        + "returning username, position, (select seq from msg)")
                .setParameter("at", message.getSentAt()).setParameter("conversation", message.getConversationId())
                .setParameter("id", message.getId()).setParameter("sender", message.getSender())
                .setParameter("recipient", message.getRecipient()).setParameter("kind", message.getKind())
                .setParameter("body", message.getBody()).setParameter("clientMsgId", message.getClientMsgId())
                .setParameter("users", users).setParameter("except", senderClientId).getResultList();
        Map<String, Long> positions = new java.util.HashMap<>();
        for (Object row : rows) {
            Object[] columns = (Object[]) row;
            positions.put((String) columns[0], ((Number) columns[1]).longValue());
            positions.put(SEQ, ((Number) columns[2]).longValue());
        }
        return positions;
    }

    private static long seqOf(Map<String, Long> positions) {
        Long seq = positions.remove(SEQ);
        if (seq == null) {
            throw new IllegalStateException("the message was not stored");
        }
        return seq;
    }

    /** Creates a direct conversation and its members, unless a concurrent send just did. */
    private void createDirectConversation(String id, String one, String other) {
        em.createNativeQuery("INSERT INTO conversation (id, kind, last_seq, created_at) VALUES (?1, 'direct', 0, ?2) "
                + "ON CONFLICT (id) DO NOTHING").setParameter(1, id).setParameter(2, Instant.now()).executeUpdate();
        for (String member : one.equals(other) ? List.of(one) : List.of(one, other)) {
            em.createNativeQuery("INSERT INTO conversation_member (conversation_id, username, read_seq, delivered_seq) "
                    + "VALUES (?1, ?2, 0, 0) ON CONFLICT DO NOTHING").setParameter(1, id).setParameter(2, member)
                    .executeUpdate();
        }
    }

    /** Whether the user takes part in the conversation. */
    public boolean isMember(String conversationId, String username) {
        return em.find(ConversationMember.class, new ConversationMember.Key(conversationId, username)) != null;
    }
}
