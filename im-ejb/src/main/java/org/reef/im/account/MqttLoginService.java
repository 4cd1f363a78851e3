package org.reef.im.account;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.domain.AccessToken;
import org.reef.im.error.ImError;
import org.reef.im.error.RetryLaterException;
import org.reef.im.presence.DeviceService;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Authenticates an MQTT CONNECT: the user name is the account's, the password is either a bearer token of that
 * account (a digest lookup, not throttled) or the account's password ({@link PasswordLogin}: throttled by failures,
 * hashed on the bounded pool). Records the device (client id, connection, token) on success.
 *
 * <p>Refusals: a wrong or throttled password, or an invalid token, is CONNACK 4 / 0x86 (bad user name or password:
 * a guesser cannot tell a lockout from a wrong guess, and the HTTP login says 429 to the account's owner); a full
 * hashing pool is 3 / 0x88 (server unavailable). Runs without a transaction: each database step takes its own, and
 * none is open while a password is hashed. An administrator's connection is marked as such for the broker, which
 * lets it read {@code $SYS/} (an account made administrator or not later changes its next connection).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MqttLoginService {

    private static final Logger LOG = Logger.getLogger(MqttLoginService.class.getName());

    @EJB
    private PasswordLogin passwords;

    @EJB
    private TokenService tokens;

    @EJB
    private AccountService accounts;

    @EJB
    private DeviceService devices;

    public MqttAuthentication login(MqttConnectRequest request) {
        String username = request.username();
        byte[] secret = request.password();
        if (username == null || secret == null || secret.length == 0) {
            return MqttAuthentication.refused(MqttAuthentication.Outcome.BAD_CREDENTIALS);
        }
        String asText = new String(secret, StandardCharsets.UTF_8);
        String tokenDigest = null;
        boolean accepted = false;
        boolean admin = false;
        if (Tokens.looksLikeToken(asText)) {
            Optional<AccessToken> token = tokens.verify(asText);
            if (token.isPresent() && token.get().getUsername().equals(username)) {
                tokenDigest = token.get().getDigest();
                accepted = true;
                admin = accounts.find(username).map(a -> a.isAdmin()).orElse(false);
            }
        }
        if (!accepted) {
            char[] password = PasswordHasher.chars(secret);
            try {
                Optional<org.reef.im.domain.Account> account =
                        passwords.authenticate(username, password, request.remoteAddress());
                accepted = account.isPresent();
                admin = accepted && account.get().isAdmin();
            } catch (RetryLaterException e) {
                LOG.log(Level.FINE, "MQTT login of client {0} refused: {1}",
                        new Object[]{request.clientId(), e.error().code()});
                return MqttAuthentication.refused(e.error() == ImError.SERVER_BUSY
                        ? MqttAuthentication.Outcome.UNAVAILABLE : MqttAuthentication.Outcome.BAD_CREDENTIALS);
            } finally {
                PasswordHasher.clear(password);
            }
        }
        if (!accepted) {
            LOG.log(Level.FINE, "MQTT login refused for client {0}", request.clientId());
            return MqttAuthentication.refused(MqttAuthentication.Outcome.BAD_CREDENTIALS);
        }
        devices.authenticated(request.clientId(), request.connectionId(), username, tokenDigest);
        // an administrator may also read the broker's $SYS/ topics, for as long as this connection lasts
        return admin ? MqttAuthentication.acceptedAdministrator(username) : MqttAuthentication.accepted(username);
    }
}
