package org.reef.web.error;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.stream.Collectors;

/** Bean Validation failures on request input: 400 problem naming each invalid parameter. */
@Provider
public class ValidationProblemMapper implements ExceptionMapper<ConstraintViolationException> {

    @Override
    public Response toResponse(ConstraintViolationException exception) {
        String detail = exception.getConstraintViolations().stream()
                .map(ValidationProblemMapper::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return ProblemExceptionMapper.problem(new Problem("https://reef.example/problems/invalid-request",
                "Invalid request", 400, detail));
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String name = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
        return name + ": " + violation.getMessage();
    }
}
