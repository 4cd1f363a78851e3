package org.reef.im.config;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

import java.time.Duration;
import java.util.logging.Logger;

/**
 * Settings of the IM server, read once at deployment from {@code reef.*} system properties (which the server
 * configuration sets from the {@code REEF_*} environment variables); an invalid value fails the deployment.
 */
@Singleton
@Startup
public class ImSettings {

    private static final Logger LOG = Logger.getLogger(ImSettings.class.getName());

    private int passwordIterations;
    private Duration tokenTtl;
    private int maxBodyBytes;

    @PostConstruct
    void load() {
        passwordIterations = integer("reef.password.iterations", 310_000, 100_000, 10_000_000);
        tokenTtl = Duration.ofSeconds(integer("reef.token.ttl", 86_400, 60, 31_536_000));
        maxBodyBytes = integer("reef.max.body", 65_536, 16, 1_048_576);
        LOG.info("IM settings: password hashing PBKDF2-SHA256 x " + passwordIterations + ", token lifetime " + tokenTtl);
    }

    private static int integer(String name, int defaultValue, int min, int max) {
        String raw = System.getProperty(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                throw new IllegalStateException(name + " must be between " + min + " and " + max + ": " + raw);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " is not a number: " + raw, e);
        }
    }

    public int passwordIterations() {
        return passwordIterations;
    }

    public Duration tokenTtl() {
        return tokenTtl;
    }

    /** Largest message body, in bytes of its JSON form. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }
}
