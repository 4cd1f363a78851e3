package org.reef.im.account;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import org.reef.im.domain.AccessToken;
import org.reef.im.domain.Account;
import org.reef.im.presence.DeviceService;
import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Authenticates an MQTT CONNECT: the user name is the account's, the password is either a bearer token of that
 * account or the account's password. Records the device (client id, connection, token) on success.
 */
@Stateless
public class MqttLoginService {

    private static final Logger LOG = Logger.getLogger(MqttLoginService.class.getName());

    @EJB
    private AccountService accounts;

    @EJB
    private TokenService tokens;

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
        if (Tokens.looksLikeToken(asText)) {
            Optional<AccessToken> token = tokens.verify(asText);
            if (token.isPresent() && token.get().getUsername().equals(username)) {
                tokenDigest = token.get().getDigest();
                accepted = true;
            }
        }
        if (!accepted) {
            char[] password = PasswordHasher.chars(secret);
            try {
                accepted = accounts.authenticate(username, password).map(Account::getUsername).isPresent();
            } finally {
                PasswordHasher.clear(password);
            }
        }
        if (!accepted) {
            LOG.log(Level.FINE, "MQTT login refused for client {0}", request.clientId());
            return MqttAuthentication.refused(MqttAuthentication.Outcome.BAD_CREDENTIALS);
        }
        devices.authenticated(request.clientId(), request.connectionId(), username, tokenDigest);
        return MqttAuthentication.accepted(username);
    }
}
