package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.reef.im.account.AccountService;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.presence.DeviceService;
import org.reef.im.presence.PresenceAccess;
import org.reef.web.dto.Page;
import org.reef.web.dto.PresenceView;
import org.reef.web.security.Authenticated;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** {@code GET /api/v1/presence?users=a,b}: who is online; a user who blocked the caller shows as offline. */
@Path("/presence")
@RequestScoped
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PresenceResource {

    private static final int MAX_USERS = 100;

    @EJB
    private DeviceService devices;

    @EJB
    private PresenceAccess access;

    @Context
    private SecurityContext security;

    @GET
    public Page<PresenceView> presence(@QueryParam("users") @NotNull @Size(min = 1, max = 3400) String users) {
        List<String> names = Arrays.stream(users.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .distinct().toList();
        if (names.isEmpty() || names.size() > MAX_USERS) {
            throw new ImException(ImError.INVALID, "users must name 1 to " + MAX_USERS + " users");
        }
        for (String name : names) {
            if (!AccountService.USERNAME.matcher(name).matches()) {
                throw new ImException(ImError.INVALID, "not a user name: " + name);
            }
        }
        String viewer = security.getUserPrincipal().getName();
        return new Page<>(names.stream().map(name -> access.maySee(viewer, name) ? devices.presence(name)
                : new DeviceService.Presence(name, false, 0, Instant.now())).map(PresenceView::of).toList(), null);
    }
}
