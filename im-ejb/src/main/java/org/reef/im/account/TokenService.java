package org.reef.im.account;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.reef.im.config.ImSettings;
import org.reef.im.domain.AccessToken;
import org.reef.im.domain.Account;

import java.time.Instant;
import java.util.Optional;

/** Issues, checks and revokes bearer tokens. */
@Stateless
public class TokenService {

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private ImSettings settings;

    /** A token and when it expires; the token value exists only here and with the client. */
    public record IssuedToken(String token, Instant expiresAt) {
    }

    public IssuedToken issue(Account account) {
        String token = Tokens.newToken();
        Instant now = Instant.now();
        Instant expiresAt = now.plus(settings.tokenTtl());
        em.persist(new AccessToken(Tokens.digest(token), account.getUsername(), now, expiresAt));
        return new IssuedToken(token, expiresAt);
    }

    /** The valid, unrevoked token with this value whose user is enabled. */
    public Optional<AccessToken> verify(String token) {
        if (token == null || token.length() > Tokens.MAX_LENGTH) {
            return Optional.empty();
        }
        AccessToken found = em.find(AccessToken.class, Tokens.digest(token));
        if (found == null || !found.isValidAt(Instant.now())) {
            return Optional.empty();
        }
        Account account = em.find(Account.class, found.getUsername());
        return account == null || account.isDisabled() ? Optional.empty() : Optional.of(found);
    }

    /** Revokes a token; returns its digest, or empty if it was not valid. */
    public Optional<String> revoke(String token) {
        return verify(token).map(found -> {
            found.revoke(Instant.now());
            return found.getDigest();
        });
    }
}
