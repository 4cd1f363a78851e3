package org.reef.im.account;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.domain.DeviceSession;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.presence.DeviceService;

/**
 * Revokes a token and disconnects, once that is committed, every MQTT connection that logged in with it; the broker
 * closes a client's connection only if its session runs as the token's user.
 */
@Stateless
public class LogoutService {

    @EJB
    private TokenService tokens;

    @EJB
    private DeviceService devices;

    @EJB
    private AfterCommitPublisher mqtt;

    /** Returns the number of connections closed. */
    public int logout(String token) {
        String digest = tokens.revoke(token)
                .orElseThrow(() -> new ImException(ImError.UNAUTHENTICATED, "the token is not valid"));
        int closed = 0;
        for (DeviceSession device : devices.usingToken(digest)) {
            mqtt.disconnectAfterCommit(device.getClientId(), device.getUsername());
            closed++;
        }
        return closed;
    }
}
