package org.reef.web.error;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every exception into {@code application/problem+json}: JAX-RS errors keep their status, anything else is a
 * 500 whose cause goes to the log, never to the client.
 */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable exception) {
        if (exception instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            Response.StatusType statusType = Response.Status.fromStatusCode(status);
            String title = statusType == null ? "Error" : statusType.getReasonPhrase();
            return problem(new Problem("https://reef.example/problems/http-" + status, title, status,
                    exception.getMessage()));
        }
        if (exception instanceof ProcessingException) {
            // RESTEasy reports a body it cannot read as JSON this way: the client's fault.
            return problem(new Problem("https://reef.example/problems/invalid", "Invalid request", 400,
                    "the request body is not valid JSON of the expected shape"));
        }
        LOG.log(Level.SEVERE, "Unhandled error in the HTTP API", exception);
        return problem(new Problem("https://reef.example/problems/internal", "Internal Server Error", 500,
                "The server could not complete the request."));
    }

    static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
