package org.reef.bench.scenario;

import org.reef.bench.cli.OptionSpec;
import org.reef.bench.cli.Options;
import org.reef.bench.cli.UsageException;
import org.reef.bench.im.ImApi;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How the IM scenarios reach Reef's HTTP API and which accounts they use: the options they share.
 *
 * <p>Accounts are named {@code <prefix>-<role><index>} and kept: a later run with the same prefix (and password) logs
 * the same users in instead of registering them again, which is what makes repeated runs quick, since the server
 * hashes every password on purpose. The password can come from the environment ({@code BENCH_USER_PASSWORD}); it is
 * never printed.
 *
 * @param api          e.g. {@code http://127.0.0.1:8080/api/v1}, on the MQTT host (so loopback unless
 *                     {@code --allow-remote})
 * @param parallel     registrations and logins in progress at once
 * @param setupTimeout bound on the whole setup: accounts, tokens, group
 * @param receiverPort MQTT port the receiving devices connect to (another node of a Reef cluster), 0: --port
 */
record ImSetup(URI api, String prefix, String password, int parallel, Duration setupTimeout, int receiverPort) {

    static final String PASSWORD_ENV = "BENCH_USER_PASSWORD";
    /** Bound on one HTTP request: a registration waits its turn for the server's hashing threads. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** {@code <prefix>-<role><index>} stays within the protocol's 32 characters with up to 99 999 users. */
    private static final String PREFIX = "[a-z0-9_.-]{1,24}";
    private static final String DEFAULT_PASSWORD = "bench-password";

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.value("http-port", "PORT", "8080", "Reef's HTTP port (registration, login, groups)"),
            OptionSpec.value("user-prefix", "PREFIX", "bench",
                    "accounts are <prefix>-<role><n>; a later run with the same prefix reuses them"),
            OptionSpec.value("user-password", "SECRET", null,
                    "password of those accounts (or set " + PASSWORD_ENV + "; default " + DEFAULT_PASSWORD + ")"),
            OptionSpec.value("setup-parallel", "N", "8", "registrations and logins in progress at once"),
            OptionSpec.value("setup-timeout", "SECONDS", "600", "bound on the setup (accounts, tokens, group)"),
            OptionSpec.value("receiver-port", "PORT", "0",
                    "MQTT port of the receiving devices, e.g. another node of a Reef cluster (0: --port); the "
                            + "latency is then cross-node"));

    static ImSetup from(Options options, BrokerTarget target) throws UsageException {
        int port = options.integer("http-port", 1, 65_535);
        String prefix = options.text("user-prefix");
        if (!prefix.matches(PREFIX)) {
            throw new UsageException("--user-prefix must be 1 to 24 of a-z 0-9 _ . - (user names are "
                    + "[a-z0-9_.-]{3,32}), not '" + prefix + "'");
        }
        String password = options.text("user-password");
        if (password == null) {
            password = System.getenv(PASSWORD_ENV);
        }
        if (password == null) {
            password = DEFAULT_PASSWORD;
        }
        if (password.length() < 8 || password.length() > 128) {
            throw new UsageException("--user-password must have 8 to 128 characters");
        }
        return new ImSetup(ImApi.base(target.address().getAddress(), port), prefix, password,
                options.integer("setup-parallel", 1, 256), options.seconds("setup-timeout", 1, 86_400),
                options.integer("receiver-port", 0, 65_535));
    }

    String username(String role, int index) {
        return prefix + "-" + role + index;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ImSetup[api=" + api + ", prefix=" + prefix + ", parallel=" + parallel + ", setupTimeout="
                + setupTimeout.toSeconds() + "s, receiverPort=" + receiverPort + "]";
    }
}
