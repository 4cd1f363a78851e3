package org.reef.im.account;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.config.ImSettings;
import org.reef.im.error.ImError;
import org.reef.im.error.RetryLaterException;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Throttles password logins (HTTP and MQTT) by failures, per account and per remote address
 * ({@code REEF_LOGIN_FAILURES_PER_ACCOUNT}, {@code REEF_LOGIN_FAILURES_PER_ADDRESS} per {@code REEF_LOGIN_LOCKOUT}).
 * An attempt is charged to both before its password is hashed and given back when it succeeds, so concurrent guesses
 * cannot slip past the allowance and a refused attempt costs no hash. Per server: behind a cluster, each node counts
 * its own.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());
    static final int MAX_KEYS = 100_000;

    @EJB
    private ImSettings settings;

    private FailureBuckets accounts;
    private FailureBuckets addresses;

    /** An attempt charged to an account and an address. */
    public record Attempt(String account, String address) {
    }

    @PostConstruct
    void start() {
        long window = settings.loginLockout().toSeconds();
        accounts = new FailureBuckets(settings.loginFailuresPerAccount(), window, MAX_KEYS);
        addresses = new FailureBuckets(settings.loginFailuresPerAddress(), window, MAX_KEYS);
    }

    /**
     * Charges a password attempt; refuses it with {@code too_many_attempts} (and the seconds to wait) when the account
     * or the address has used up its failures.
     */
    public Attempt begin(String username, String remoteAddress) {
        long now = System.nanoTime();
        // a name that cannot exist shares one key: arbitrary strings must not grow the map
        String account = username != null && AccountService.USERNAME.matcher(username).matches() ? username : "";
        Attempt attempt = new Attempt(account, RemoteAddresses.key(remoteAddress));
        long wait = accounts.tryCharge(attempt.account(), now);
        if (wait == 0) {
            wait = addresses.tryCharge(attempt.address(), now);
            if (wait > 0) {
                accounts.refund(attempt.account(), now);
            }
        }
        if (wait > 0) {
            LOG.fine(() -> "Password login throttled for " + attempt.account() + " from " + attempt.address());
            throw new RetryLaterException(ImError.TOO_MANY_ATTEMPTS, "too many failed logins; try again later",
                    TimeUnit.NANOSECONDS.toSeconds(wait) + 1);
        }
        return attempt;
    }

    /** The attempt succeeded (or was never made): it does not count. */
    public void forgive(Attempt attempt) {
        long now = System.nanoTime();
        accounts.refund(attempt.account(), now);
        addresses.refund(attempt.address(), now);
    }

    @Schedule(minute = "*", hour = "*", persistent = false)
    void forgetRefilled() {
        long now = System.nanoTime();
        accounts.forgetFull(now);
        addresses.forgetFull(now);
    }
}
