package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;

/** A stored chat message: immutable once written; {@code from} and {@code sentAt} are stamped by the server. */
@Entity
@Table(name = "message")
@NamedQuery(name = Message.BY_CLIENT_ID,
        query = "select m from Message m where m.sender = :sender and m.clientMsgId = :clientMsgId")
@NamedQuery(name = Message.AFTER, query = "select m from Message m where m.conversationId = :conversation "
        + "and m.seq > :after and m.seq < :before order by m.seq asc")
@NamedQuery(name = Message.BEFORE, query = "select m from Message m where m.conversationId = :conversation "
        + "and m.seq > :after and m.seq < :before order by m.seq desc")
@NamedQuery(name = Message.AT, query = "select m from Message m where m.conversationId = :conversation and m.seq = :seq")
@NamedQuery(name = Message.UNREAD, query = "select count(m) from Message m where m.conversationId = :conversation "
        + "and m.seq > :readSeq and m.sender <> :username")
public class Message {

    public static final String BY_CLIENT_ID = "Message.byClientId";
    public static final String AFTER = "Message.after";
    public static final String BEFORE = "Message.before";
    public static final String AT = "Message.at";
    public static final String UNREAD = "Message.unread";

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "conversation_id", nullable = false, length = 80)
    private String conversationId;

    @Column(nullable = false)
    private long seq;

    @Column(nullable = false, length = 32)
    private String sender;

    @Column(nullable = false, length = 80)
    private String recipient;

    @Column(nullable = false, length = 16)
    private String kind;

    /** The body as JSON text (a string for text messages, any JSON value for custom ones). */
    @Column(nullable = false, columnDefinition = "TEXT")
    private String body;

    @Column(name = "client_msg_id", nullable = false, length = 64)
    private String clientMsgId;

    @Column(name = "sent_at", nullable = false)
    private Instant sentAt;

    @Column(name = "deleted_at")
    private Instant deletedAt;

    @Column(name = "deleted_by", length = 32)
    private String deletedBy;

    /** The kind of a message deleted by an administrator: its body is gone, its place in the conversation stays. */
    public static final String DELETED = "deleted";

    protected Message() {
    }

    public Message(String id, String conversationId, long seq, String sender, String recipient, String kind,
                   String body, String clientMsgId, Instant sentAt) {
        this.id = id;
        this.conversationId = conversationId;
        this.seq = seq;
        this.sender = sender;
        this.recipient = recipient;
        this.kind = kind;
        this.body = body;
        this.clientMsgId = clientMsgId;
        this.sentAt = sentAt;
    }

    /** A copy with the seq the database gave it (for a message stored by SQL, not through this entity). */
    public Message withSeq(long newSeq) {
        return new Message(id, conversationId, newSeq, sender, recipient, kind, body, clientMsgId, sentAt);
    }

    public String getId() {
        return id;
    }

    public String getConversationId() {
        return conversationId;
    }

    public long getSeq() {
        return seq;
    }

    public String getSender() {
        return sender;
    }

    public String getRecipient() {
        return recipient;
    }

    public String getKind() {
        return kind;
    }

    public String getBody() {
        return body;
    }

    public String getClientMsgId() {
        return clientMsgId;
    }

    public Instant getSentAt() {
        return sentAt;
    }

    public Instant getDeletedAt() {
        return deletedAt;
    }

    public boolean isDeleted() {
        return deletedAt != null;
    }

    /** Replaces the message by its tombstone: kind {@code deleted}, body {@code null}; seq and id stay. */
    public void tombstone(String by, Instant when) {
        kind = DELETED;
        body = "null";
        deletedBy = by;
        deletedAt = when;
    }
}
