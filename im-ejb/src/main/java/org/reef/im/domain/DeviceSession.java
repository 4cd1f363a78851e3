package org.reef.im.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One device of a user: an MQTT client id, its current connection, and the token it authenticated with (so that
 * revoking the token disconnects it). Kept in the database, not in one server's memory, so that every node of a
 * cluster sees every device.
 */
@Entity
@Table(name = "device_session")
@NamedQuery(name = DeviceSession.CONNECTED_OF_USER,
        query = "select d from DeviceSession d where d.username = :username and d.connected = true")
@NamedQuery(name = DeviceSession.BY_TOKEN, query = "select d from DeviceSession d where d.tokenDigest = :digest")
@NamedQuery(name = DeviceSession.ON_NODES, query = "select d from DeviceSession d where d.node in :nodes "
        + "and d.since < :before")
public class DeviceSession {

    public static final String CONNECTED_OF_USER = "DeviceSession.connectedOfUser";
    public static final String BY_TOKEN = "DeviceSession.byToken";
    public static final String ON_NODES = "DeviceSession.onNodes";
    /** This server's node name, recorded with each device it connects. */
    public static final String THIS_NODE = System.getProperty("jboss.node.name", "reef-1");

    @Id
    @Column(name = "client_id", length = 256)
    private String clientId;

    @Column(name = "connection_id", nullable = false, length = 128)
    private String connectionId;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(name = "token_digest", length = 64)
    private String tokenDigest;

    @Column(nullable = false)
    private boolean connected;

    @Column(nullable = false)
    private Instant since;

    /** The cluster node whose connection this is (null: recorded before nodes were). */
    @Column(length = 64)
    private String node = THIS_NODE;

    protected DeviceSession() {
    }

    public DeviceSession(String clientId, String connectionId, String username, String tokenDigest, Instant since) {
        this.clientId = clientId;
        this.connectionId = connectionId;
        this.username = username;
        this.tokenDigest = tokenDigest;
        this.since = since;
    }

    /** A new connection of this client id authenticated (the older one, if any, is being taken over). */
    public void reauthenticated(String newConnectionId, String newUsername, String newTokenDigest, Instant when) {
        this.connectionId = newConnectionId;
        this.username = newUsername;
        this.tokenDigest = newTokenDigest;
        this.connected = false;
        this.since = when;
        this.node = THIS_NODE;
    }

    public void markConnected(Instant when) {
        this.connected = true;
        this.since = when;
    }

    public String getNode() {
        return node;
    }

    public String getClientId() {
        return clientId;
    }

    public String getConnectionId() {
        return connectionId;
    }

    public String getUsername() {
        return username;
    }

    public String getTokenDigest() {
        return tokenDigest;
    }

    public boolean isConnected() {
        return connected;
    }

    public Instant getSince() {
        return since;
    }
}
