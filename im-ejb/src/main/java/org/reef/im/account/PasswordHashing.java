package org.reef.im.account;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.config.ImSettings;

import java.util.logging.Logger;

/**
 * Hashes and checks passwords on a {@link HashingPool} of its own ({@code REEF_HASH_THREADS} threads,
 * {@code REEF_HASH_QUEUE} waiting), never on the HTTP, EJB or JCA work threads' CPU budget alone: a flood of logins
 * gets {@code server_busy} (HTTP 503, MQTT CONNACK 0x88/3) instead of taking every core and queueing behind inflow.
 *
 * <p>A pool this bean owns rather than a {@code ManagedExecutorService}: {@code @ManagedExecutorDefinition} can cap
 * concurrency ({@code maxAsync}) but has no bounded queue with a refusal, which is the point here; and the tasks need
 * no container context (no transaction, no naming, no security), only CPU. The threads are daemons, named
 * {@code reef-password-hashing-N}, and stop with the deployment. Call it without a transaction that holds a database
 * connection: the caller waits for the hash.
 */
@Singleton
@Startup
@DependsOn("ImSettings")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PasswordHashing {

    private static final Logger LOG = Logger.getLogger(PasswordHashing.class.getName());

    @EJB
    private ImSettings settings;

    private HashingPool pool;
    private int iterations;
    private volatile String dummyHash;

    @PostConstruct
    void start() {
        iterations = settings.passwordIterations();
        pool = new HashingPool(settings.hashThreads(), settings.hashQueue());
        LOG.fine(() -> "Password hashing pool started: " + settings.hashThreads() + " thread(s)");
    }

    @PreDestroy
    void stop() {
        pool.shutdown();
    }

    /** A new hash of the password with the configured cost. */
    public String hash(char[] password) {
        return pool.call(() -> PasswordHasher.hash(password, iterations));
    }

    /** Whether the password matches the stored hash. */
    public boolean verify(char[] password, String stored) {
        return pool.call(() -> PasswordHasher.verify(password, stored));
    }

    /**
     * Checks the password against a hash of the configured cost that matches nothing, so that an unknown user name
     * takes as long as a known one.
     */
    public void verifyAgainstNothing(char[] password) {
        pool.call(() -> {
            String hash = dummyHash;
            if (hash == null) {
                hash = PasswordHasher.hash("not a real password".toCharArray(), iterations);
                dummyHash = hash;
            }
            return PasswordHasher.verify(password, hash);
        });
    }
}
