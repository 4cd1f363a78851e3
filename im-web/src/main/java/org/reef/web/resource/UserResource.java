package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.reef.im.account.AccountService;
import org.reef.im.account.Registration;
import org.reef.im.domain.Account;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.web.dto.RegisterRequest;
import org.reef.web.dto.UserView;
import org.reef.web.security.Authenticated;

/** {@code /api/v1/users}: registration and user lookup. */
@Path("/users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    @EJB
    private AccountService accounts;

    @EJB
    private Registration registration;

    /** 503 {@code server_busy} (with {@code Retry-After}) when too many passwords are being hashed. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@NotNull @Valid RegisterRequest request) {
        char[] password = request.password().toCharArray();
        Account account;
        try {
            account = registration.register(request.username(), password, request.displayName());
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        return Response.created(UriBuilder.fromResource(UserResource.class).path(account.getUsername()).build())
                .entity(UserView.of(account)).build();
    }

    @GET
    @Path("/{username}")
    @Authenticated
    public UserView get(@PathParam("username") String username) {
        return accounts.find(username).map(UserView::of)
                .orElseThrow(() -> new ImException(ImError.NOT_FOUND, "no user " + username));
    }
}
