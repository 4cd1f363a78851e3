package org.reef.im.chat;

import org.reef.im.account.AccountService;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.util.regex.Pattern;

/** Conversation ids and addresses of Reef IM protocol v1. */
public final class Conversations {

    public static final String USER_PREFIX = "user:";
    public static final String DM_PREFIX = "dm:";
    public static final String GROUP_PREFIX = "group:";
    public static final String ROOM_PREFIX = "room:";

    /** Group ids are server-made UUIDs. */
    public static final Pattern GROUP_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Room names. */
    public static final Pattern ROOM_NAME = Pattern.compile("[a-z0-9_-]{1,64}");

    private Conversations() {
    }

    /** What a message is sent to: a user (direct conversation), a group or a room. */
    public enum Kind {
        DIRECT, GROUP, ROOM
    }

    /**
     * Where a send goes.
     *
     * @param kind         direct, group or room
     * @param name         the other user (direct), the group id or the room name
     * @param conversation the conversation id ({@code dm:a:b}, {@code group:{id}} or {@code room:{name}})
     */
    public record Target(Kind kind, String name, String conversation) {

        /** The address stored as the message's {@code to}. */
        public String address() {
            return kind == Kind.DIRECT ? USER_PREFIX + name : conversation;
        }
    }

    /**
     * The target of a send by {@code sender}: {@code to} over MQTT ({@code user:..}, {@code group:..},
     * {@code room:..}), or the conversation id of the HTTP path ({@code dm:..}, {@code group:..}).
     */
    public static Target target(String sender, String to, boolean isConversationId) {
        if (to != null && to.startsWith(GROUP_PREFIX)) {
            String id = to.substring(GROUP_PREFIX.length());
            if (!GROUP_ID.matcher(id).matches()) {
                throw new ImException(isConversationId ? ImError.NOT_FOUND : ImError.UNKNOWN_RECIPIENT,
                        "no group " + id);
            }
            return new Target(Kind.GROUP, id, to);
        }
        if (to != null && to.startsWith(ROOM_PREFIX)) {
            String name = to.substring(ROOM_PREFIX.length());
            if (!ROOM_NAME.matcher(name).matches()) {
                throw new ImException(ImError.UNKNOWN_RECIPIENT, "no room " + name);
            }
            return new Target(Kind.ROOM, name, to);
        }
        String other;
        if (isConversationId) {
            String[] members = membersOfDirect(to);
            if (!members[0].equals(sender) && !members[1].equals(sender)) {
                throw new ImException(ImError.NOT_FOUND, "no conversation " + to);
            }
            other = members[0].equals(sender) ? members[1] : members[0];
        } else {
            other = userOf(to);
        }
        return new Target(Kind.DIRECT, other, direct(sender, other));
    }

    /** The conversation of a group. */
    public static String group(String groupId) {
        return GROUP_PREFIX + groupId;
    }

    /** The direct conversation of two users: {@code dm:{a}:{b}} with the names sorted. */
    public static String direct(String one, String other) {
        return one.compareTo(other) <= 0 ? DM_PREFIX + one + ":" + other : DM_PREFIX + other + ":" + one;
    }

    /** The username of a {@code user:{username}} address. */
    public static String userOf(String address) {
        if (address == null || !address.startsWith(USER_PREFIX)) {
            throw new ImException(ImError.INVALID, "to must be user:{username}, group:{id} or room:{name}");
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
