package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;

/** How far one device (MQTT client id) has acknowledged its user's inbox. Only moves forward. */
@Entity
@Table(name = "device_inbox")
@NamedQuery(name = DeviceInbox.MAX_ACKED_OF_USER,
        query = "select max(d.ackedPosition) from DeviceInbox d where d.username = :username")
public class DeviceInbox {

    public static final String MAX_ACKED_OF_USER = "DeviceInbox.maxAckedOfUser";

    @Id
    @Column(name = "client_id", length = 256)
    private String clientId;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(name = "acked_position", nullable = false)
    private long ackedPosition;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected DeviceInbox() {
    }

    public DeviceInbox(String clientId, String username, long ackedPosition) {
        this.clientId = clientId;
        this.username = username;
        this.ackedPosition = ackedPosition;
        this.updatedAt = Instant.now();
    }

    /** Starts the device over at a position (a clean session, or another user on the same client id). */
    public void reset(String newUsername, long position) {
        this.username = newUsername;
        this.ackedPosition = position;
        this.updatedAt = Instant.now();
    }

    public boolean acknowledge(long position) {
        if (position <= ackedPosition) {
            return false;
        }
        ackedPosition = position;
        updatedAt = Instant.now();
        return true;
    }

    public String getClientId() {
        return clientId;
    }

    public String getUsername() {
        return username;
    }

    public long getAckedPosition() {
        return ackedPosition;
    }
}
