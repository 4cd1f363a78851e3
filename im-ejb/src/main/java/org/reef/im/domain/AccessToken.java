package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A bearer token, stored as the SHA-256 digest of the random value the client holds: a database leak reveals no
 * usable token.
 */
@Entity
@Table(name = "access_token")
public class AccessToken {

    @Id
    @Column(length = 64)
    private String digest;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected AccessToken() {
    }

    public AccessToken(String digest, String username, Instant createdAt, Instant expiresAt) {
        this.digest = digest;
        this.username = username;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    /** Whether the token may be used at {@code now}. */
    public boolean isValidAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }

    public void revoke(Instant when) {
        if (revokedAt == null) {
            revokedAt = when;
        }
    }

    public String getDigest() {
        return digest;
    }

    public String getUsername() {
        return username;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getRevokedAt() {
        return revokedAt;
    }
}
