package org.reef.im.config;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
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
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // read-only after start-up: no container lock per call
public class ImSettings {

    private static final Logger LOG = Logger.getLogger(ImSettings.class.getName());

    private int passwordIterations;
    private Duration tokenTtl;
    private int maxBodyBytes;
    private int groupMaxMembers;
    private int groupMaxAdd;
    private int roomMaxMembers;
    private int sendRate;
    private int sendBurst;
    private boolean maskContent;
    private String adminUsername;
    private char[] adminPassword;
    private int loginFailuresPerAccount;
    private int loginFailuresPerAddress;
    private Duration loginLockout;
    private int hashThreads;
    private int hashQueue;

    @PostConstruct
    void load() {
        passwordIterations = integer("reef.password.iterations", 600_000, 100_000, 10_000_000);
        tokenTtl = Duration.ofSeconds(integer("reef.token.ttl", 86_400, 60, 31_536_000));
        maxBodyBytes = integer("reef.max.body", 65_536, 16, 1_048_576);
        groupMaxMembers = integer("reef.group.max-members", 2_000, 2, 100_000);
        groupMaxAdd = integer("reef.group.max-add", 50, 1, 100_000);
        roomMaxMembers = integer("reef.room.max-members", 10_000, 1, 1_000_000);
        sendRate = integer("reef.send.rate", 20, 0, 1_000_000);
        sendBurst = integer("reef.send.burst", 50, 1, 1_000_000);
        loginFailuresPerAccount = integer("reef.login.failures-per-account", 10, 0, 1_000_000);
        loginFailuresPerAddress = integer("reef.login.failures-per-address", 50, 0, 1_000_000);
        loginLockout = Duration.ofSeconds(integer("reef.login.lockout", 900, 1, 86_400));
        int threads = integer("reef.hash.threads", 0, 0, 256);
        hashThreads = threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        hashQueue = integer("reef.hash.queue", 16, 0, 100_000);
        String mode = System.getProperty("reef.content-filter.mode", "reject").strip();
        if (!mode.equals("reject") && !mode.equals("mask") && !mode.isEmpty()) {
            throw new IllegalStateException("reef.content-filter.mode must be reject or mask: " + mode);
        }
        maskContent = mode.equals("mask");
        adminUsername = blankToNull(System.getProperty("reef.admin.username", System.getenv("REEF_ADMIN_USERNAME")));
        String password = blankToNull(System.getProperty("reef.admin.password", System.getenv("REEF_ADMIN_PASSWORD")));
        adminPassword = password == null ? null : password.toCharArray();
        LOG.info("IM settings: password hashing PBKDF2-SHA256 x " + passwordIterations + ", token lifetime " + tokenTtl
                + ", groups up to " + groupMaxMembers + " members, rooms up to " + roomMaxMembers + ", send rate "
                + (sendRate == 0 ? "unlimited" : sendRate + "/s per user (burst " + sendBurst + ")")
                + ", content filter " + (maskContent ? "masks" : "rejects") + ", password hashing on " + hashThreads
                + " thread(s) with " + hashQueue + " waiting at most, failed logins " + limit(loginFailuresPerAccount)
                + " per account and " + limit(loginFailuresPerAddress) + " per address per " + loginLockout);
    }

    private static String limit(int count) {
        return count == 0 ? "unlimited" : String.valueOf(count);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
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

    /** Most members a group may have (owner included). */
    public int groupMaxMembers() {
        return groupMaxMembers;
    }

    /** Most users one request may add to a group. */
    public int groupMaxAdd() {
        return groupMaxAdd;
    }

    /** Largest size limit a room may have, and the limit of rooms created without one. */
    public int roomMaxMembers() {
        return roomMaxMembers;
    }

    /** Messages per second each user may send, across all devices; 0 for no limit. */
    public int sendRate() {
        return sendRate;
    }

    /** How many messages a user may send at once before the rate applies. */
    public int sendBurst() {
        return sendBurst;
    }

    /** Whether the content filter masks matches with asterisks (true) or rejects the message (false). */
    public boolean maskContent() {
        return maskContent;
    }

    /** Failed password logins one account may have per {@link #loginLockout()} before it waits; 0 for no limit. */
    public int loginFailuresPerAccount() {
        return loginFailuresPerAccount;
    }

    /** Failed password logins one remote address (IPv6: its /64) may have per {@link #loginLockout()}; 0: none. */
    public int loginFailuresPerAddress() {
        return loginFailuresPerAddress;
    }

    /** The time over which the failure allowances refill completely. */
    public Duration loginLockout() {
        return loginLockout;
    }

    /** Threads that hash passwords (nothing else runs on them). */
    public int hashThreads() {
        return hashThreads;
    }

    /** Password hashes that may wait for a hashing thread; beyond, a login or registration is refused at once. */
    public int hashQueue() {
        return hashQueue;
    }

    /** The administrator created at start-up when missing, or null. */
    public String adminUsername() {
        return adminUsername;
    }

    /** Its password (a copy), or null. */
    public char[] adminPassword() {
        return adminPassword == null ? null : adminPassword.clone();
    }
}
