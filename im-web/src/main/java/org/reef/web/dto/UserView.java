package org.reef.web.dto;

import org.reef.im.domain.Account;

import java.time.Instant;

/** A user as others see it. */
public record UserView(String username, String displayName, Instant createdAt) {

    public static UserView of(Account account) {
        return new UserView(account.getUsername(), account.getDisplayName(), account.getCreatedAt());
    }
}
