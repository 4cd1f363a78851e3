package org.reef.web.error;

import jakarta.ejb.EJB;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.error.RetryLaterException;
import org.reef.im.moderation.RefusalCounter;

/**
 * A business refusal as a problem document whose {@code type} ends with the IM error code; counted with the MQTT
 * ones. A {@code rate_limited}, {@code too_many_attempts} or {@code server_busy} answer says when to retry.
 */
@Provider
public class ImExceptionMapper implements ExceptionMapper<ImException> {

    @EJB
    private RefusalCounter refusals;

    @Context
    private SecurityContext security;

    @Override
    public Response toResponse(ImException exception) {
        ImError error = exception.error();
        String user = security == null || security.getUserPrincipal() == null ? null
                : security.getUserPrincipal().getName();
        refusals.refused(error, user, "an HTTP request");
        Response response = ProblemExceptionMapper.problem(new Problem(
                "https://reef.example/problems/" + error.code(), error.title(), error.httpStatus(),
                exception.getMessage()));
        if (exception instanceof RetryLaterException retry) {
            return Response.fromResponse(response)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(retry.retryAfterSeconds())).build();
        }
        if (error == ImError.RATE_LIMITED) {
            return Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, "1").build();
        }
        if (error == ImError.UNAUTHENTICATED) {
            return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        return response;
    }
}
