package org.reef.im.chat;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.domain.ChatMessage;

import java.time.Instant;
import java.util.List;

/**
 * Stores chat messages and relays them to the topic's subscribers once stored.
 */
@Stateless
public class ChatService {

    /** Largest page of history a caller may ask for. */
    public static final int MAX_PAGE = 200;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private AfterCommitPublisher publisher;

    /**
     * Stores the message in the caller's transaction (REQUIRED) and arranges for it to be published to the topic's
     * subscribers after that transaction commits.
     */
    public ChatMessage accept(String topic, String clientId, byte[] payload, Instant receivedAt, int qos) {
        ChatMessage message = new ChatMessage(topic, clientId, payload, receivedAt);
        em.persist(message);
        publisher.publishAfterCommit(topic, payload, qos);
        return message;
    }

    /** The newest messages, newest first, optionally on one topic. */
    public List<ChatMessage> recent(String topic, int limit) {
        int bounded = Math.max(1, Math.min(limit, MAX_PAGE));
        TypedQuery<ChatMessage> query = topic == null
                ? em.createNamedQuery(ChatMessage.RECENT, ChatMessage.class)
                : em.createNamedQuery(ChatMessage.RECENT_ON_TOPIC, ChatMessage.class).setParameter("topic", topic);
        return query.setMaxResults(bounded).getResultList();
    }
}
