package org.reef.im.chat;

import org.reef.im.account.AccountService;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

/** Conversation ids and addresses of Reef IM protocol v1. */
public final class Conversations {

    public static final String USER_PREFIX = "user:";
    public static final String DM_PREFIX = "dm:";

    private Conversations() {
    }

    /** The direct conversation of two users: {@code dm:{a}:{b}} with the names sorted. */
    public static String direct(String one, String other) {
        return one.compareTo(other) <= 0 ? DM_PREFIX + one + ":" + other : DM_PREFIX + other + ":" + one;
    }

    /** The username of a {@code user:{username}} address. */
    public static String userOf(String address) {
        if (address == null || !address.startsWith(USER_PREFIX)) {
            throw new ImException(ImError.INVALID, "to must be user:{username}");
        }
        String username = address.substring(USER_PREFIX.length());
        if (!AccountService.USERNAME.matcher(username).matches()) {
            throw new ImException(ImError.UNKNOWN_RECIPIENT, "no user " + username);
        }
        return username;
    }

    /** The two members of a direct conversation id, or an error for any other id. */
    public static String[] membersOfDirect(String conversationId) {
        if (conversationId == null || !conversationId.startsWith(DM_PREFIX)) {
            throw new ImException(ImError.NOT_FOUND, "no conversation " + conversationId);
        }
        String[] members = conversationId.substring(DM_PREFIX.length()).split(":", -1);
        if (members.length != 2 || !AccountService.USERNAME.matcher(members[0]).matches()
                || !AccountService.USERNAME.matcher(members[1]).matches() || members[0].compareTo(members[1]) > 0) {
            throw new ImException(ImError.NOT_FOUND, "no conversation " + conversationId);
        }
        return members;
    }
}
