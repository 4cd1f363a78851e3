package org.reef.mqtt.broker;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The authenticator in place while no application installed one: it knows no accounts, so it refuses any
 * credentials, and admits clients without credentials only when anonymous access is allowed.
 */
public final class AnonymousAuthenticator implements Authenticator {

    private final boolean allowAnonymous;

    public AnonymousAuthenticator(boolean allowAnonymous) {
        this.allowAnonymous = allowAnonymous;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(String clientId, String username, byte[] password,
                                                    SocketAddress remote) {
        if (username != null || password != null) {
            return CompletableFuture.completedFuture(AuthResult.refuse(Refusal.BAD_CREDENTIALS));
        }
        return CompletableFuture.completedFuture(allowAnonymous ? AuthResult.accept(null)
                : AuthResult.refuse(Refusal.NOT_AUTHORIZED));
    }
}
