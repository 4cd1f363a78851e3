package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** A user's place in a conversation: how far they have received and read. Cursors only move forward. */
@Entity
@Table(name = "conversation_member")
@NamedQuery(name = ConversationMember.OF_CONVERSATION,
        query = "select m from ConversationMember m where m.key.conversationId = :conversation")
public class ConversationMember {

    public static final String OF_CONVERSATION = "ConversationMember.ofConversation";

    @EmbeddedId
    private Key key;

    @Column(name = "read_seq", nullable = false)
    private long readSeq;

    @Column(name = "delivered_seq", nullable = false)
    private long deliveredSeq;

    /** In a group: owner, admin or member; null in a direct conversation. */
    @Column(length = 8)
    private String role;

    /** The first seq the member may read (the system message of their joining a group); 0 for direct ones. */
    @Column(name = "joined_seq", nullable = false)
    private long joinedSeq;

    protected ConversationMember() {
    }

    public ConversationMember(String conversationId, String username) {
        this.key = new Key(conversationId, username);
    }

    /** A group member who joined with the system message at {@code joinedSeq}: nothing before it is theirs. */
    public ConversationMember(String conversationId, String username, String role, long joinedSeq) {
        this.key = new Key(conversationId, username);
        this.role = role;
        this.joinedSeq = joinedSeq;
        this.readSeq = joinedSeq - 1;
        this.deliveredSeq = joinedSeq - 1;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public long getJoinedSeq() {
        return joinedSeq;
    }

    /** Moves the read cursor (and the delivered one with it) forward; returns whether it moved. */
    public boolean read(long seq) {
        delivered(seq);
        if (seq <= readSeq) {
            return false;
        }
        readSeq = seq;
        return true;
    }

    /** Moves the delivered cursor forward; returns whether it moved. */
    public boolean delivered(long seq) {
        if (seq <= deliveredSeq) {
            return false;
        }
        deliveredSeq = seq;
        return true;
    }

    public String getConversationId() {
        return key.conversationId;
    }

    public String getUsername() {
        return key.username;
    }

    public long getReadSeq() {
        return readSeq;
    }

    public long getDeliveredSeq() {
        return deliveredSeq;
    }

    /** Primary key: conversation and user. */
    @Embeddable
    public static class Key implements Serializable {

        @Column(name = "conversation_id", length = 80)
        private String conversationId;

        @Column(length = 32)
        private String username;

        protected Key() {
        }

        public Key(String conversationId, String username) {
            this.conversationId = conversationId;
            this.username = username;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Objects.equals(conversationId, other.conversationId)
                    && Objects.equals(username, other.username);
        }

        @Override
        public int hashCode() {
            return Objects.hash(conversationId, username);
        }
    }
}
