package org.reef.im.error;

/**
 * The IM server's error codes: the {@code code} of error events on MQTT, the last part of the problem {@code type}
 * over HTTP, with the HTTP status and the MQTT 5 reason code each maps to.
 */
public enum ImError {

    INVALID("invalid", 400, 0x99, "Invalid request"),
    TOO_LARGE("too_large", 413, 0x95, "Too large"),
    UNAUTHENTICATED("unauthenticated", 401, 0x87, "Authentication required"),
    BAD_CREDENTIALS("bad_credentials", 401, 0x86, "Bad user name or password"),
    FORBIDDEN("forbidden", 403, 0x87, "Forbidden"),
    NOT_FOUND("not_found", 404, 0x80, "Not found"),
    USERNAME_TAKEN("username_taken", 409, 0x80, "User name taken"),
    UNKNOWN_RECIPIENT("unknown_recipient", 404, 0x83, "Unknown recipient"),
    NOT_A_MEMBER("not_a_member", 403, 0x87, "Not a member"),
    BLOCKED("blocked", 403, 0x87, "Blocked"),
    RATE_LIMITED("rate_limited", 429, 0x97, "Too many messages"),
    TOO_MANY_ATTEMPTS("too_many_attempts", 429, 0x97, "Too many failed logins"),
    SERVER_BUSY("server_busy", 503, 0x89, "Server busy"),
    CONTENT_REJECTED("content_rejected", 422, 0x83, "Content rejected"),
    GROUP_FULL("group_full", 409, 0x97, "Group full"),
    LAST_OWNER("last_owner", 409, 0x80, "Last owner"),
    CONFLICT("conflict", 409, 0x80, "Conflict"),
    INTERNAL("internal", 500, 0x80, "Internal error");

    private final String code;
    private final int httpStatus;
    private final int mqttReason;
    private final String title;

    ImError(String code, int httpStatus, int mqttReason, String title) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.mqttReason = mqttReason;
        this.title = title;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int mqttReason() {
        return mqttReason;
    }

    public String title() {
        return title;
    }
}
