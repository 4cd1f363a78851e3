package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.reef.im.account.PasswordLogin;
import org.reef.im.account.LogoutService;
import org.reef.im.account.TokenService;
import org.reef.im.domain.Account;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.web.dto.TokenRequest;
import org.reef.web.dto.TokenView;
import org.reef.web.security.Authenticated;
import org.reef.web.security.BearerTokenFilter;

/** {@code /api/v1/tokens}: log in for a bearer token; log out, which also disconnects the MQTT sessions using it. */
@Path("/tokens")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    @EJB
    private PasswordLogin passwords;

    @EJB
    private TokenService tokens;

    @EJB
    private LogoutService logout;

    @Context
    private HttpServletRequest http;

    /**
     * Throttled by failures per account and per client address (429 {@code too_many_attempts} with
     * {@code Retry-After}); 503 {@code server_busy} when too many passwords are being hashed. The address is the
     * connection's peer: behind a reverse proxy, let Undertow take it from the proxy's headers
     * ({@code proxy-address-forwarding}), or every client shares the proxy's allowance.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(@NotNull @Valid TokenRequest request) {
        char[] password = request.password().toCharArray();
        Account account;
        try {
            account = passwords.authenticate(request.username(), password, http.getRemoteAddr())
                    .orElseThrow(() -> new ImException(ImError.BAD_CREDENTIALS, "bad user name or password"));
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        TokenService.IssuedToken issued = tokens.issue(account);
        return Response.status(Response.Status.CREATED).entity(new TokenView(issued.token(), issued.expiresAt()))
                .build();
    }

    @DELETE
    @Path("/current")
    @Authenticated
    public Response logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        logout.logout(BearerTokenFilter.token(authorization));
        return Response.noContent().build();
    }
}
