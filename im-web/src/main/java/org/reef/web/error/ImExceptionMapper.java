package org.reef.web.error;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

/** A business refusal as a problem document whose {@code type} ends with the IM error code. */
@Provider
public class ImExceptionMapper implements ExceptionMapper<ImException> {

    @Override
    public Response toResponse(ImException exception) {
        ImError error = exception.error();
        Response response = ProblemExceptionMapper.problem(new Problem(
                "https://reef.example/problems/" + error.code(), error.title(), error.httpStatus(),
                exception.getMessage()));
        if (error == ImError.UNAUTHENTICATED) {
            return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        return response;
    }
}
