package org.reef.im.chat;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import org.reef.im.account.AccountService;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.domain.ConversationMember;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.moderation.SendRateLimiter;

import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * Delivered and read receipts: a receipt moves the user's cursor in the conversation forward only, and a receipt
 * that moved it is relayed to the other participants' inboxes (and the user's other devices); in groups of more than
 * {@link #RELAYED_GROUP_SIZE} members, to the user's other devices only, since relaying every member's every receipt
 * to every member grows with the square of the group's size.
 */
@Stateless
public class ReceiptService {

    /** Up to this many members, a receipt is relayed to every member; beyond, to the user's own devices only. */
    public static final int RELAYED_GROUP_SIZE = 64;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private AfterCommitPublisher mqtt;

    @EJB
    private AccountService accounts;

    @EJB
    private SendRateLimiter rateLimiter;

    /** A receipt as published on {@code im/receipt}: {@code {"conversation","seq","kind"}}. */
    public record Receipt(String conversation, long seq, String kind) {

        public static Receipt parse(byte[] json) {
            try (JsonReader reader = Events.JSON.createReader(new ByteArrayInputStream(json))) {
                JsonObject object = reader.readObject();
                if (!(object.get("conversation") instanceof JsonString conversation)
                        || !(object.get("seq") instanceof JsonNumber seq) || !seq.isIntegral()
                        || !(object.get("kind") instanceof JsonString kind)) {
                    throw new ImException(ImError.INVALID, "a receipt needs conversation, seq and kind");
                }
                if (!kind.getString().equals("delivered") && !kind.getString().equals("read")) {
                    throw new ImException(ImError.INVALID, "kind must be delivered or read");
                }
                return new Receipt(conversation.getString(), seq.longValueExact(), kind.getString());
            } catch (JsonException | IllegalStateException | ArithmeticException e) {
                throw new ImException(ImError.INVALID, "the receipt is not valid JSON");
            }
        }
    }

    /** Applies a receipt; returns whether the cursor moved. */
    public boolean apply(String username, String clientId, Receipt receipt) {
        rateLimiter.acquire(username); // a receipt costs a locking transaction and a relay, like a send
        accounts.requireEnabled(username);
        ConversationMember member = em.find(ConversationMember.class,
                new ConversationMember.Key(receipt.conversation(), username), LockModeType.PESSIMISTIC_WRITE);
        if (member == null) {
            throw new ImException(ImError.NOT_FOUND, "no conversation " + receipt.conversation());
        }
        // a query, not the entity: a send earlier in the same transaction may have moved last_seq by SQL
        long lastSeq = em.createQuery("select c.lastSeq from Conversation c where c.id = :id", Long.class)
                .setParameter("id", receipt.conversation()).getSingleResult();
        if (receipt.seq() < 1 || receipt.seq() > lastSeq) {
            throw new ImException(ImError.INVALID, "seq " + receipt.seq() + " is not a message of the conversation");
        }
        boolean moved = receipt.kind().equals("read") ? member.read(receipt.seq()) : member.delivered(receipt.seq());
        if (!moved) {
            return false;
        }
        byte[] event = Events.bytes(Events.receipt(receipt.conversation(), username, receipt.kind(), receipt.seq()));
        List<ConversationMember> members = em.createNamedQuery(ConversationMember.OF_CONVERSATION,
                ConversationMember.class).setParameter("conversation", receipt.conversation()).getResultList();
        for (ConversationMember other : members) {
            String to = other.getUsername();
            // in a large group only the user's own devices hear of it (the cursors are in GET /conversations)
            if (members.size() <= RELAYED_GROUP_SIZE || to.equals(username)) {
                mqtt.publishAfterCommit(Events.INBOX + to, event, 1, to.equals(username) ? clientId : null);
            }
        }
        return true;
    }
}
