package org.reef.im.account;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.domain.Account;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

/**
 * Registers users: checks the rules, hashes the password on the bounded pool ({@link PasswordHashing}) with no
 * transaction open, then stores the account in a short transaction of its own. A taken name is refused before any
 * hash is computed (and again by the database, for two registrations racing for one name).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Registration {

    @EJB
    private AccountService accounts;

    @EJB
    private PasswordHashing hashing;

    public Account register(String username, char[] password, String displayName) {
        AccountService.validate(username, password, displayName);
        requireFree(username);
        return accounts.create(username, hashing.hash(password), displayName.strip(), Account.Role.USER);
    }

    /** Creates an administrator (start-up) unless the name is taken; returns whether it did. */
    public boolean ensureAdmin(String username, char[] password) {
        if (accounts.find(username).isPresent()) {
            return false;
        }
        AccountService.validate(username, password, username);
        accounts.create(username, hashing.hash(password), username, Account.Role.ADMIN);
        return true;
    }

    private void requireFree(String username) {
        if (accounts.find(username).isPresent()) {
            throw new ImException(ImError.USERNAME_TAKEN, "the user name " + username + " is taken");
        }
    }
}
