package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriBuilder;
import org.reef.im.account.AccountService;
import org.reef.im.domain.Account;
import org.reef.im.room.RoomService;
import org.reef.web.security.Authenticated;

/** {@code /api/v1/rooms}: create, list (with how many are in each now) and delete chat rooms. */
@Path("/rooms")
@RequestScoped
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RoomResource {

    @EJB
    private RoomService rooms;

    @EJB
    private AccountService accounts;

    @Context
    private SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonObject body) {
        String name = JsonBodies.string(body, "name");
        rooms.create(user(), name, JsonBodies.integer(body, "maxMembers"));
        return Response.created(UriBuilder.fromResource(RoomResource.class).path(name).build())
                .entity(json(rooms.get(name))).build();
    }

    @GET
    public JsonObject list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Paging page = Paging.of(limit, cursor, 50, 200);
        return page.page(rooms.list(page.offset(), page.fetch()), RoomResource::json);
    }

    @GET
    @Path("/{name}")
    public JsonObject get(@PathParam("name") String name) {
        return json(rooms.get(name));
    }

    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        boolean admin = accounts.find(user()).filter(Account::isAdmin).isPresent();
        rooms.delete(user(), admin, name);
        return Response.noContent().build();
    }

    /** {@code {"name","conversation","topic","owner","maxMembers","members"}}: members online now. */
    private static JsonObject json(RoomService.RoomView room) {
        String name = room.room().getName();
        return Json.createObjectBuilder()
                .add("name", name)
                .add("conversation", "room:" + name)
                .add("topic", RoomService.TOPIC_PREFIX + name)
                .add("owner", room.room().getOwner())
                .add("maxMembers", room.room().getMaxMembers())
                .add("members", room.online())
                .build();
    }

    private String user() {
        return security.getUserPrincipal().getName();
    }
}
