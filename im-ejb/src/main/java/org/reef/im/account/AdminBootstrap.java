package org.reef.im.account;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.config.ImSettings;

import java.util.Arrays;
import java.util.logging.Logger;

/**
 * Creates the first administrator at start-up from {@code REEF_ADMIN_USERNAME} and {@code REEF_ADMIN_PASSWORD} when
 * no account of that name exists. An existing account is left as it is (its password is not reset).
 */
@Singleton
@Startup
@DependsOn({"SchemaMigrator", "ImSettings", "PasswordHashing"})
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class.getName());

    @EJB
    private ImSettings settings;

    @EJB
    private AccountService accounts;

    @EJB
    private Registration registration;

    /** Without a transaction: the password is hashed before the account is stored, in a transaction of its own. */
    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void ensureAdmin() {
        String username = settings.adminUsername();
        char[] password = settings.adminPassword();
        if (username == null || password == null) {
            if (username != null || password != null) {
                LOG.warning("Set both REEF_ADMIN_USERNAME and REEF_ADMIN_PASSWORD to create an administrator");
            }
            return;
        }
        try {
            if (registration.ensureAdmin(username, password)) {
                LOG.info("Administrator " + username + " created");
            } else if (accounts.find(username).filter(a -> a.isAdmin()).isEmpty()) {
                LOG.warning("REEF_ADMIN_USERNAME " + username + " is an existing user who is not an administrator");
            }
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
