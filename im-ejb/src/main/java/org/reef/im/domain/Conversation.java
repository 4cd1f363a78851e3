package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A conversation and the seq of its newest message: each new message takes {@code lastSeq + 1} under a row lock,
 * so seqs start at 1 and have no gaps (the order everyone sees).
 */
@Entity
@Table(name = "conversation")
public class Conversation {

    @Id
    @Column(length = 80)
    private String id;

    @Column(nullable = false, length = 8)
    private String kind;

    @Column(name = "last_seq", nullable = false)
    private long lastSeq;

    @Column(name = "last_message_at")
    private Instant lastMessageAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Conversation() {
    }

    public Conversation(String id, String kind, Instant createdAt) {
        this.id = id;
        this.kind = kind;
        this.createdAt = createdAt;
    }

    /** Takes the next seq for a message sent at {@code when}. The caller holds the row lock. */
    public long nextSeq(Instant when) {
        lastSeq++;
        lastMessageAt = when;
        return lastSeq;
    }

    public String getId() {
        return id;
    }

    public String getKind() {
        return kind;
    }

    public long getLastSeq() {
        return lastSeq;
    }

    public Instant getLastMessageAt() {
        return lastMessageAt;
    }
}
