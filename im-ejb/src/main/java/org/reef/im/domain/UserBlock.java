package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A user's block of another: the blocked user can no longer send them direct messages or add them to groups. */
@Entity
@Table(name = "user_block")
@NamedQuery(name = UserBlock.OF_BLOCKER,
        query = "select b from UserBlock b where b.key.blocker = :blocker order by b.key.blocked")
public class UserBlock {

    public static final String OF_BLOCKER = "UserBlock.ofBlocker";

    @EmbeddedId
    private Key key;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected UserBlock() {
    }

    public UserBlock(String blocker, String blocked, Instant createdAt) {
        this.key = new Key(blocker, blocked);
        this.createdAt = createdAt;
    }

    public String getBlocked() {
        return key.blocked;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    /** Primary key: who blocks whom. */
    @Embeddable
    public static class Key implements Serializable {

        @Column(length = 32)
        private String blocker;

        @Column(length = 32)
        private String blocked;

        protected Key() {
        }

        public Key(String blocker, String blocked) {
            this.blocker = blocker;
            this.blocked = blocked;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Objects.equals(blocker, other.blocker)
                    && Objects.equals(blocked, other.blocked);
        }

        @Override
        public int hashCode() {
            return Objects.hash(blocker, blocked);
        }
    }
}
