package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.reef.im.chat.ConversationService;
import org.reef.im.chat.MessagingService;
import org.reef.im.chat.SendCommand;
import org.reef.im.config.ImSettings;
import org.reef.im.delivery.Events;
import org.reef.im.domain.Message;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.web.security.Authenticated;

import java.nio.charset.StandardCharsets;

/** {@code /api/v1/conversations}: the caller's conversations, their history, sending and read cursors. */
@Path("/conversations")
@RequestScoped
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

    @EJB
    private ConversationService conversations;

    @EJB
    private MessagingService messaging;

    @EJB
    private ImSettings settings;

    @Context
    private SecurityContext security;

    @GET
    public JsonObject list(@QueryParam("limit") @DefaultValue("50") String limit, @QueryParam("cursor") String cursor) {
        ConversationService.Page<ConversationService.Summary> page =
                conversations.list(user(), (int) number("limit", limit), cursor);
        JsonArrayBuilder items = Json.createArrayBuilder();
        for (ConversationService.Summary summary : page.items()) {
            items.add(Json.createObjectBuilder()
                    .add("id", summary.conversation().getId())
                    .add("kind", summary.conversation().getKind())
                    .add("lastMessage", Events.message(summary.lastMessage()))
                    .add("unread", summary.unread())
                    .add("readSeq", summary.readSeq())
                    .add("deliveredSeq", summary.deliveredSeq()));
        }
        return page(items, page.next());
    }

    @GET
    @Path("/{id}/messages")
    public JsonObject messages(@PathParam("id") String id, @QueryParam("before") String before,
                               @QueryParam("after") String after, @QueryParam("limit") @DefaultValue("50") String limit) {
        ConversationService.Page<Message> page = conversations.messages(user(), id,
                before == null ? null : number("before", before), after == null ? null : number("after", after),
                (int) number("limit", limit));
        JsonArrayBuilder items = Json.createArrayBuilder();
        page.items().forEach(message -> items.add(Events.message(message)));
        return page(items, page.next());
    }

    @POST
    @Path("/{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(@PathParam("id") String id, String body) {
        if (body == null || body.length() > settings.maxBodyBytes() * 2 + 1024) {
            throw new ImException(ImError.TOO_LARGE, "the request is too large");
        }
        SendCommand command = SendCommand.parse(body.getBytes(StandardCharsets.UTF_8), false,
                settings.maxBodyBytes());
        if (command.isTyping()) {
            messaging.send(user(), null, command, id);
            return Response.accepted().build();
        }
        MessagingService.SendResult result = messaging.send(user(), null, command, id);
        if (result.message() == null) {
            return Response.accepted().build(); // a room: relayed, not stored
        }
        JsonObject ack = Events.ack(result.message());
        return Response.status(result.duplicate() ? Response.Status.OK : Response.Status.CREATED).entity(ack).build();
    }

    @POST
    @Path("/{id}/read")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response read(@PathParam("id") String id, JsonObject body) {
        if (body == null || !(body.get("seq") instanceof JsonNumber seq) || !seq.isIntegral()) {
            throw new ImException(ImError.INVALID, "send {\"seq\": n}");
        }
        conversations.markRead(user(), id, seq.longValue());
        return Response.noContent().build();
    }

    /** A numeric query parameter; anything else is a 400 (JAX-RS would answer 404 for a failed conversion). */
    private static long number(String name, String value) {
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed < 0 || parsed > Integer.MAX_VALUE && name.equals("limit")) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ImException(ImError.INVALID, name + " must be a non-negative number");
        }
    }

    private String user() {
        return security.getUserPrincipal().getName();
    }

    private static JsonObject page(JsonArrayBuilder items, String next) {
        JsonObjectBuilder page = Json.createObjectBuilder().add("items", items);
        return next == null ? page.add("next", JsonValue.NULL).build() : page.add("next", next).build();
    }
}
