package org.reef.mqtt.inflow;

import org.reef.mqtt.api.MqttAuthentication;
import org.reef.mqtt.api.MqttConnectRequest;
import org.reef.mqtt.broker.Authenticator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The broker's authenticator: clients without credentials are admitted when anonymous access is allowed; clients
 * with credentials are checked by the application's {@link org.reef.mqtt.api.MqttConnectionListener}, and refused
 * as "server unavailable" when there is none (nothing could check them).
 */
public final class InflowAuthenticator implements Authenticator {

    private final ConnectionEvents events;
    private final boolean allowAnonymous;

    public InflowAuthenticator(ConnectionEvents events, boolean allowAnonymous) {
        this.events = events;
        this.allowAnonymous = allowAnonymous;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest auth) {
        if (auth.username() == null && auth.password() == null) {
            return CompletableFuture.completedFuture(allowAnonymous ? AuthResult.accept(null)
                    : AuthResult.refuse(Refusal.NOT_AUTHORIZED));
        }
        if (!events.hasAuthenticator()) {
            // Nothing can check them now (the application is not deployed yet, or is being redeployed): the server
            // is unavailable, the credentials are not known to be bad. A client told so tries again later.
            return CompletableFuture.completedFuture(AuthResult.refuse(Refusal.UNAVAILABLE));
        }
        MqttConnectRequest request = new MqttConnectRequest(auth.clientId(), auth.username(), auth.password(),
                String.valueOf(auth.remote()), auth.protocolLevel(), auth.connectionId());
        return events.authenticate(request).thenApply(InflowAuthenticator::toResult);
    }

    private static AuthResult toResult(MqttAuthentication authentication) {
        if (authentication == null) {
            return AuthResult.refuse(Refusal.NOT_AUTHORIZED);
        }
        return switch (authentication.outcome()) {
            case ACCEPTED -> authentication.administrator() ? AuthResult.acceptAdministrator(authentication.username())
                    : AuthResult.accept(authentication.username());
            case BAD_CREDENTIALS -> AuthResult.refuse(Refusal.BAD_CREDENTIALS);
            case UNAVAILABLE -> AuthResult.refuse(Refusal.UNAVAILABLE);
            case NOT_AUTHORIZED -> AuthResult.refuse(Refusal.NOT_AUTHORIZED);
        };
    }
}
