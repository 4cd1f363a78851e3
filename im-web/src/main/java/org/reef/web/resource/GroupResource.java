package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriBuilder;
import org.reef.im.config.ImSettings;
import org.reef.im.domain.ConversationMember;
import org.reef.im.group.GroupService;
import org.reef.web.security.Authenticated;

/**
 * {@code /api/v1/groups}: create, read, rename and delete groups, and manage their members and roles. Messages go
 * through the conversation {@code group:{id}} like any other.
 */
@Path("/groups")
@RequestScoped
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class GroupResource {

    /** Most groups one page of {@code GET /groups} may hold. */
    static final int MAX_PAGE = 50;

    @EJB
    private GroupService groups;

    @EJB
    private ImSettings settings;

    @Context
    private SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonObject body) {
        GroupService.GroupView group = groups.create(user(), JsonBodies.string(body, "name"),
                JsonBodies.strings(body, "members", settings.groupMaxMembers()));
        return Response.created(UriBuilder.fromResource(GroupResource.class).path(group.group().getId()).build())
                .entity(json(group)).build();
    }

    /** A page of the caller's groups (each with its members, hence the small pages). */
    @GET
    public JsonObject mine(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Paging page = Paging.of(limit, cursor, 20, MAX_PAGE);
        return page.page(groups.mine(user(), page.offset(), page.fetch()), GroupResource::json);
    }

    @GET
    @Path("/{id}")
    public JsonObject get(@PathParam("id") String id) {
        return json(groups.get(user(), id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject rename(@PathParam("id") String id, JsonObject body) {
        return json(groups.rename(user(), id, JsonBodies.string(body, "name")));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        groups.delete(user(), id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/members")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject add(@PathParam("id") String id, JsonObject body) {
        return json(groups.addMembers(user(), id, JsonBodies.strings(body, "members", settings.groupMaxMembers())));
    }

    @DELETE
    @Path("/{id}/members/{username}")
    public Response remove(@PathParam("id") String id, @PathParam("username") String username) {
        GroupService.GroupView group = groups.removeMember(user(), id, username);
        return group == null ? Response.noContent().build() : Response.ok(json(group)).build();
    }

    @PUT
    @Path("/{id}/members/{username}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject role(@PathParam("id") String id, @PathParam("username") String username, JsonObject body) {
        return json(groups.setRole(user(), id, username, JsonBodies.string(body, "role")));
    }

    @POST
    @Path("/{id}/leave")
    public Response leave(@PathParam("id") String id) {
        groups.leave(user(), id);
        return Response.noContent().build();
    }

    /** {@code {"id","conversation","name","createdBy","createdAt","members":[{"username","role","joinedSeq"}]}}. */
    static JsonObject json(GroupService.GroupView group) {
        JsonArrayBuilder members = Json.createArrayBuilder();
        for (ConversationMember member : group.members()) {
            members.add(Json.createObjectBuilder().add("username", member.getUsername()).add("role", member.getRole())
                    .add("joinedSeq", member.getJoinedSeq()));
        }
        return Json.createObjectBuilder()
                .add("id", group.group().getId())
                .add("conversation", group.conversation())
                .add("name", group.group().getName())
                .add("createdBy", group.group().getCreatedBy())
                .add("createdAt", group.group().getCreatedAt().toString())
                .add("members", members)
                .build();
    }

    private String user() {
        return security.getUserPrincipal().getName();
    }
}
