package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** A message in a user's inbox, at the next position of that inbox. */
@Entity
@Table(name = "inbox_entry")
public class InboxEntry {

    @EmbeddedId
    private Key key;

    @Column(name = "message_id", nullable = false, length = 36)
    private String messageId;

    /** The device that sent the message: it has it already and gets an ack instead. */
    @Column(name = "except_client_id", length = 256)
    private String exceptClientId;

    /** What the entry delivers: {@link #MESSAGE} or {@link #DELETED}. */
    @Column(nullable = false, length = 16)
    private String event;

    public static final String MESSAGE = "message";
    public static final String DELETED = "deleted";

    protected InboxEntry() {
    }

    public InboxEntry(String username, long position, String messageId, String exceptClientId) {
        this.key = new Key(username, position);
        this.messageId = messageId;
        this.exceptClientId = exceptClientId;
        this.event = MESSAGE;
    }

    public long getPosition() {
        return key.position;
    }

    public String getMessageId() {
        return messageId;
    }

    public String getEvent() {
        return event;
    }

    public String getExceptClientId() {
        return exceptClientId;
    }

    /** Primary key: user and position. */
    @Embeddable
    public static class Key implements Serializable {

        @Column(length = 32)
        private String username;

        @Column
        private long position;

        protected Key() {
        }

        public Key(String username, long position) {
            this.username = username;
            this.position = position;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && position == other.position && Objects.equals(username, other.username);
        }

        @Override
        public int hashCode() {
            return Objects.hash(username, position);
        }
    }
}
