package org.reef.web.dto;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /users}: a new account. The password is never echoed or logged. */
public record RegisterRequest(
        @NotNull @Pattern(regexp = "[a-z0-9_.-]{3,32}") String username,
        @NotNull @Size(min = 8, max = 128) String password,
        @NotNull @Size(min = 1, max = 64) String displayName) {

    @Override
    public String toString() {
        return "RegisterRequest[" + username + "]";
    }
}
