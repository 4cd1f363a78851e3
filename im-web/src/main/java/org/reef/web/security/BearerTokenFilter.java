package org.reef.web.security;

import jakarta.annotation.Priority;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import org.reef.im.account.TokenService;
import org.reef.im.domain.AccessToken;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.security.Principal;
import java.util.Optional;

/**
 * Authenticates requests to {@link Authenticated} resources with {@code Authorization: Bearer <token>}; the user
 * becomes the request's principal.
 */
@Provider
@Authenticated
@ApplicationScoped
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {

    private static final String SCHEME = "Bearer ";

    @EJB
    private TokenService tokens;

    /** The token of an {@code Authorization: Bearer} header; refuses any other header. */
    public static String token(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new ImException(ImError.UNAUTHENTICATED, "send Authorization: Bearer <token>");
        }
        return authorization.substring(SCHEME.length()).strip();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String token = token(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        Optional<AccessToken> valid = tokens.verify(token);
        if (valid.isEmpty()) {
            throw new ImException(ImError.UNAUTHENTICATED, "the token is invalid, expired or revoked");
        }
        String username = valid.get().getUsername();
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> username;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        });
    }
}
