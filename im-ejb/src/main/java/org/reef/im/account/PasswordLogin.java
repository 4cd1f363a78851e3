package org.reef.im.account;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.domain.Account;
import org.reef.im.error.RetryLaterException;

import java.util.Optional;

/**
 * Checks a user name and password, for HTTP and MQTT logins alike: throttled by failures ({@link LoginThrottle}),
 * hashed on the bounded pool ({@link PasswordHashing}), and outside any transaction, so that no database connection
 * is held while the deliberately slow hash runs. Unknown names take as long as known ones.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PasswordLogin {

    @EJB
    private AccountService accounts;

    @EJB
    private PasswordHashing hashing;

    @EJB
    private LoginThrottle throttle;

    /**
     * The enabled account whose password this is, if any.
     *
     * @throws RetryLaterException {@code too_many_attempts} when throttled (no hash computed), {@code server_busy}
     *                             when the hashing pool is full
     */
    public Optional<Account> authenticate(String username, char[] password, String remoteAddress) {
        LoginThrottle.Attempt attempt = throttle.begin(username, remoteAddress);
        Optional<Account> account;
        boolean matches;
        try {
            account = accounts.find(username); // its own short transaction, over before the hash
            if (account.isPresent()) {
                matches = hashing.verify(password, account.get().getPasswordHash());
            } else {
                hashing.verifyAgainstNothing(password);
                matches = false;
            }
        } catch (RetryLaterException busy) {
            throttle.forgive(attempt);
            throw busy;
        }
        Optional<Account> accepted = account.filter(a -> matches && !a.isDisabled());
        if (accepted.isPresent()) {
            throttle.forgive(attempt);
        }
        return accepted;
    }
}
