package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.reef.im.moderation.BlockService;
import org.reef.web.security.Authenticated;

/** {@code /api/v1/users/me/blocks}: the users the caller blocks. */
@Path("/users/me/blocks")
@RequestScoped
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class BlockResource {

    @EJB
    private BlockService blocks;

    @Context
    private SecurityContext security;

    @GET
    public JsonObject list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Paging page = Paging.of(limit, cursor, 50, 200);
        return page.page(blocks.blocksOf(user(), page.offset(), page.fetch()), block -> Json.createObjectBuilder()
                .add("username", block.getBlocked()).add("since", block.getCreatedAt().toString()).build());
    }

    @PUT
    @Path("/{username}")
    public Response block(@PathParam("username") String username) {
        blocks.block(user(), username);
        return Response.noContent().build();
    }

    @DELETE
    @Path("/{username}")
    public Response unblock(@PathParam("username") String username) {
        blocks.unblock(user(), username);
        return Response.noContent().build();
    }

    private String user() {
        return security.getUserPrincipal().getName();
    }
}
