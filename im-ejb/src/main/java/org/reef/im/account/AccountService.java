package org.reef.im.account;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import org.reef.im.config.ImSettings;
import org.reef.im.domain.Account;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/** Registers users and checks their passwords. */
@Stateless
public class AccountService {

    /** Immutable user names: 3 to 32 of lower-case letters, digits, underscore, dot and hyphen. */
    public static final Pattern USERNAME = Pattern.compile("[a-z0-9_.-]{3,32}");
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 128;
    public static final int MAX_DISPLAY_NAME = 64;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private ImSettings settings;

    public Account register(String username, char[] password, String displayName) {
        validate(username, password, displayName);
        if (em.find(Account.class, username) != null) {
            throw new ImException(ImError.USERNAME_TAKEN, "the user name " + username + " is taken");
        }
        Account account = new Account(username, PasswordHasher.hash(password, settings.passwordIterations()),
                displayName.strip(), Account.Role.USER, Instant.now());
        try {
            em.persist(account);
            em.flush(); // a concurrent registration of the same name fails here, inside this transaction
        } catch (PersistenceException e) {
            throw new ImException(ImError.USERNAME_TAKEN, "the user name " + username + " is taken");
        }
        return account;
    }

    /** Creates an administrator at start-up if the name is free; returns whether it did. */
    public boolean ensureAdmin(String username, char[] password) {
        if (em.find(Account.class, username) != null) {
            return false;
        }
        validate(username, password, username);
        em.persist(new Account(username, PasswordHasher.hash(password, settings.passwordIterations()), username,
                Account.Role.ADMIN, Instant.now()));
        return true;
    }

    public Optional<Account> find(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(Account.class, username));
    }

    /**
     * The enabled account whose password this is, if any. Takes as long for unknown names as for known ones. Runs
     * outside any transaction, so that the deliberately slow hashing holds no database connection.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Optional<Account> authenticate(String username, char[] password) {
        Optional<Account> account = find(username);
        String hash = account.map(Account::getPasswordHash).orElseGet(this::dummyHash);
        boolean matches = PasswordHasher.verify(password, hash);
        return account.filter(a -> matches && !a.isDisabled());
    }

    /** A hash with the configured cost, checked for unknown names so that they answer as slowly as known ones. */
    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null || !hash.startsWith("pbkdf2-sha256$" + settings.passwordIterations() + "$")) {
            hash = PasswordHasher.hash("not a real password".toCharArray(), settings.passwordIterations());
            dummyHash = hash;
        }
        return hash;
    }

    private static volatile String dummyHash;

    private static void validate(String username, char[] password, String displayName) {
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
    }
}
