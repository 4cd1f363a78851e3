package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.reef.im.chat.ChatService;
import org.reef.web.dto.MessageView;
import org.reef.web.dto.Page;
import org.reef.web.security.Authenticated;

/** {@code GET /api/v1/messages?topic=chat/x&limit=50}: the newest stored chat messages, newest first. */
@Path("/messages")
@RequestScoped
@Authenticated
public class MessageResource {

    @EJB
    private ChatService chat;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Page<MessageView> recent(@QueryParam("topic") @Size(min = 1, max = 1024) String topic,
                                    @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(ChatService.MAX_PAGE) int limit) {
        return new Page<>(chat.recent(topic, limit).stream().map(MessageView::of).toList(), null);
    }
}
