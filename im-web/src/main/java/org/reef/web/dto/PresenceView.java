package org.reef.web.dto;

import org.reef.im.presence.DeviceService;

import java.time.Instant;

/** A user's presence: online while at least one device is connected. */
public record PresenceView(String username, boolean online, int devices, Instant since) {

    public static PresenceView of(DeviceService.Presence presence) {
        return new PresenceView(presence.username(), presence.online(), presence.devices(), presence.since());
    }
}
