package org.reef.im.chat;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import org.reef.im.domain.Conversation;
import org.reef.im.domain.ConversationMember;
import org.reef.im.domain.Message;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/** Reads of conversations and history for their members: lists, pages of messages, unread counts. */
@Stateless
public class ConversationService {

    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_PAGE = 200;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private ReceiptService receipts;

    /** One conversation as its member sees it. */
    public record Summary(Conversation conversation, Message lastMessage, long unread, long readSeq,
                          long deliveredSeq) {
    }

    /** A page and the cursor of the next one (null at the end). */
    public record Page<T>(List<T> items, String next) {
    }

    /** The user's conversations, newest activity first; {@code cursor} continues a previous page. */
    public Page<Summary> list(String username, int limit, String cursor) {
        int size = bounded(limit);
        String jpql = "select c, m from Conversation c, ConversationMember m where m.key.conversationId = c.id "
                + "and m.key.username = :username and c.lastMessageAt is not null";
        Instant after = null;
        String afterId = null;
        if (cursor != null) {
            String[] parts = decode(cursor);
            after = Instant.parse(parts[0]);
            afterId = parts[1];
            jpql += " and (c.lastMessageAt < :at or (c.lastMessageAt = :at and c.id < :id))";
        }
        TypedQuery<Object[]> query = em.createQuery(jpql + " order by c.lastMessageAt desc, c.id desc", Object[].class)
                .setParameter("username", username).setMaxResults(size + 1);
        if (cursor != null) {
            query.setParameter("at", after).setParameter("id", afterId);
        }
        List<Object[]> rows = query.getResultList();
        List<Summary> items = new ArrayList<>();
        for (Object[] row : rows.subList(0, Math.min(size, rows.size()))) {
            Conversation conversation = (Conversation) row[0];
            ConversationMember member = (ConversationMember) row[1];
            Message last = em.createNamedQuery(Message.AT, Message.class)
                    .setParameter("conversation", conversation.getId()).setParameter("seq", conversation.getLastSeq())
                    .getSingleResult();
            long unread = em.createNamedQuery(Message.UNREAD, Long.class)
                    .setParameter("conversation", conversation.getId()).setParameter("readSeq", member.getReadSeq())
                    .setParameter("username", username).getSingleResult();
            items.add(new Summary(conversation, last, unread, member.getReadSeq(), member.getDeliveredSeq()));
        }
        String next = null;
        if (rows.size() > size) {
            Conversation last = items.get(items.size() - 1).conversation();
            next = encode(last.getLastMessageAt() + "|" + last.getId());
        }
        return new Page<>(items, next);
    }

    /**
     * Messages of a conversation in seq order: the newest page by default, those before {@code before} (paging
     * back), or those after {@code after} (catching up). Members only.
     */
    public Page<Message> messages(String username, String conversationId, Long before, Long after, int limit) {
        ConversationMember member = requireMember(conversationId, username);
        int size = bounded(limit);
        // a group member reads from their joining on
        long lower = Math.max(after == null ? 0 : after, member.getJoinedSeq() - 1);
        long upper = before == null ? Long.MAX_VALUE : before;
        boolean forward = after != null && before == null;
        List<Message> found = em.createNamedQuery(forward ? Message.AFTER : Message.BEFORE, Message.class)
                .setParameter("conversation", conversationId).setParameter("after", lower)
                .setParameter("before", upper).setMaxResults(size + 1).getResultList();
        boolean more = found.size() > size;
        List<Message> page = new ArrayList<>(found.subList(0, Math.min(size, found.size())));
        if (!forward) {
            Collections.reverse(page);
        }
        String next = null;
        if (more && !page.isEmpty()) {
            next = Long.toString(forward ? page.get(page.size() - 1).getSeq() : page.get(0).getSeq());
        }
        return new Page<>(page, next);
    }

    /** {@code POST /conversations/{id}/read}: moves the read cursor forward. */
    public void markRead(String username, String conversationId, long seq) {
        requireMember(conversationId, username);
        receipts.apply(username, null, new ReceiptService.Receipt(conversationId, seq, "read"));
    }

    public ConversationMember requireMember(String conversationId, String username) {
        ConversationMember member = conversationId == null ? null
                : em.find(ConversationMember.class, new ConversationMember.Key(conversationId, username));
        if (member == null) {
            if (conversationId != null && conversationId.startsWith(Conversations.GROUP_PREFIX)) {
                throw new ImException(ImError.NOT_A_MEMBER, "you are not a member of " + conversationId);
            }
            // the same answer for "no such conversation" and "not yours": members only learn it exists
            throw new ImException(ImError.NOT_FOUND, "no conversation " + conversationId);
        }
        return member;
    }

    private static int bounded(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ImException(ImError.INVALID, "limit must be between 1 and " + MAX_PAGE);
        }
        return limit;
    }

    private static String encode(String cursor) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            Instant.parse(parts[0]);
            return parts;
        } catch (RuntimeException e) {
            throw new ImException(ImError.INVALID, "invalid cursor");
        }
    }
}
