package org.reef.im.account;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import org.reef.im.domain.Account;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.moderation.VisibleText;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/** Accounts: their rules, lookup and creation. Registration: {@link Registration}; passwords: {@link PasswordLogin}. */
@Stateless
public class AccountService {

    /** Immutable user names: 3 to 32 of lower-case letters, digits, underscore, dot and hyphen. */
    public static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 128;
    public static final int MAX_DISPLAY_NAME = 64;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    /**
     * Stores a new account whose password is hashed already (hash before calling: this runs in a transaction, which
     * must not hold its database connection through a slow hash). Refuses a taken name with {@code username_taken}.
     */
    public Account create(String username, String passwordHash, String displayName, Account.Role role) {
        Account account = new Account(username, passwordHash, displayName, role, Instant.now());
        try {
            em.persist(account);
            em.flush(); // a concurrent registration of the same name fails here, inside this transaction
        } catch (PersistenceException e) {
            throw new ImException(ImError.USERNAME_TAKEN, "the user name " + username + " is taken");
        }
        return account;
    }

    public Optional<Account> find(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(Account.class, username));
    }

    /**
     * Refuses ({@code forbidden}) a user who no longer exists or was disabled: a device that is still connected
     * (its disconnect raced with a send, or it is on another server) can neither send nor move receipts.
     */
    public void requireEnabled(String username) {
        Account account = username == null ? null : em.find(Account.class, username);
        if (account == null || account.isDisabled()) {
            throw new ImException(ImError.FORBIDDEN, "the account " + username + " is disabled");
        }
    }

    /** Refuses ({@code invalid}) a user name, password or display name that does not meet the rules. */
    static void validate(String username, char[] password, String displayName) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new ImException(ImError.INVALID, "username must match [a-z0-9_.-]{3,32}");
        }
        if (password == null || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
            throw new ImException(ImError.INVALID,
                    "password must have " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        if (displayName == null || displayName.isBlank() || displayName.length() > MAX_DISPLAY_NAME) {
            throw new ImException(ImError.INVALID, "displayName must have 1 to " + MAX_DISPLAY_NAME + " characters");
        }
        if (!VisibleText.isClean(displayName)) {
            throw new ImException(ImError.INVALID,
                    "displayName may not contain control, bidirectional or invisible characters");
        }
    }
}
