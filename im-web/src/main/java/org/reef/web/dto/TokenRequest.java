package org.reef.web.dto;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** {@code POST /tokens}: credentials for a bearer token. */
public record TokenRequest(@NotNull @Size(max = 32) String username, @NotNull @Size(max = 128) String password) {

    @Override
    public String toString() {
        return "TokenRequest[" + username + "]";
    }
}
