package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.reef.im.delivery.Events;
import org.reef.im.domain.ContentRule;
import org.reef.im.error.ImError;
import org.reef.im.moderation.AdminService;
import org.reef.web.security.Authenticated;

import java.util.Map;

/** {@code /api/v1/admin}: for users with the admin role; everybody else gets 403. */
@Path("/admin")
@RequestScoped
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    @EJB
    private AdminService admin;

    @Context
    private SecurityContext security;

    @GET
    @Path("/sessions")
    public JsonObject sessions() {
        JsonArrayBuilder items = Json.createArrayBuilder();
        admin.sessions(user()).forEach(device -> items.add(Json.createObjectBuilder()
                .add("clientId", device.getClientId())
                .add("username", device.getUsername())
                .add("connectionId", device.getConnectionId())
                .add("since", device.getSince().toString())));
        return Json.createObjectBuilder().add("items", items).build();
    }

    @POST
    @Path("/users/{username}/disable")
    public JsonObject disable(@PathParam("username") String username) {
        int disconnected = admin.disable(user(), username);
        return Json.createObjectBuilder().add("username", username).add("disabled", true)
                .add("disconnected", disconnected).build();
    }

    @POST
    @Path("/users/{username}/enable")
    public JsonObject enable(@PathParam("username") String username) {
        admin.enable(user(), username);
        return Json.createObjectBuilder().add("username", username).add("disabled", false).build();
    }

    @DELETE
    @Path("/messages/{id}")
    public JsonObject deleteMessage(@PathParam("id") String id) {
        return Events.deleted(admin.deleteMessage(user(), id));
    }

    @GET
    @Path("/content-filter")
    public JsonObject contentRules() {
        JsonArrayBuilder items = Json.createArrayBuilder();
        admin.contentRules(user()).forEach(rule -> items.add(json(rule)));
        return Json.createObjectBuilder().add("items", items).build();
    }

    @POST
    @Path("/content-filter")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addContentRule(JsonObject body) {
        ContentRule rule = admin.addContentRule(user(), JsonBodies.string(body, "pattern"));
        return Response.status(Response.Status.CREATED).entity(json(rule)).build();
    }

    @DELETE
    @Path("/content-filter/{id}")
    public Response removeContentRule(@PathParam("id") String id) {
        admin.removeContentRule(user(), id);
        return Response.noContent().build();
    }

    /** Refusals counted on this server since it started, by error code. */
    @GET
    @Path("/refusals")
    public JsonObject refusals() {
        JsonObjectBuilder counts = Json.createObjectBuilder();
        for (Map.Entry<ImError, Long> entry : admin.refusals(user()).entrySet()) {
            counts.add(entry.getKey().code(), entry.getValue());
        }
        return counts.build();
    }

    private static JsonObject json(ContentRule rule) {
        return Json.createObjectBuilder().add("id", rule.getId()).add("pattern", rule.getPattern())
                .add("createdBy", rule.getCreatedBy()).add("createdAt", rule.getCreatedAt().toString()).build();
    }

    private String user() {
        return security.getUserPrincipal().getName();
    }
}
