package org.reef.im.presence;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.domain.Account;
import org.reef.im.domain.DeviceSession;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The devices (MQTT connections) of each user, and the presence derived from them: online while at least one device
 * is connected. Presence is published, retained, on {@code im/presence/{username}} after each change commits.
 *
 * <p>Changes of one user's devices take a lock on the user's account row, so concurrent connects and disconnects of
 * several devices count correctly on every cluster node.
 */
@Stateless
public class DeviceService {

    public static final String PRESENCE_TOPIC = "im/presence/";

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private AfterCommitPublisher mqtt;

    /**
     * A connection authenticated as this user (and with this token, if it used one). A client id whose record
     * belongs to another user is left alone: the broker refuses to give one user's session to another, and until it
     * has decided, the record is the other user's (their presence, their logout, an administrator's disable). The
     * broker decides after this commits, so nothing here may change what the other user's devices look like.
     */
    public void authenticated(String clientId, String connectionId, String username, String tokenDigest) {
        em.find(Account.class, username, LockModeType.PESSIMISTIC_WRITE);
        DeviceSession device = em.find(DeviceSession.class, clientId);
        Instant now = Instant.now();
        if (device == null) {
            em.persist(new DeviceSession(clientId, connectionId, username, tokenDigest, now));
        } else if (device.getUsername().equals(username)) {
            device.reauthenticated(connectionId, username, tokenDigest, now);
        }
    }

    /**
     * The connection's session is open: the device counts as online. If the client id's record is another user's
     * (left over from a connection that ended unseen, or written by a login the broker then refused), the broker
     * has just given the session to this user, so the record is stale: it becomes this user's.
     */
    public void connected(String clientId, String connectionId, String username) {
        em.find(Account.class, username, LockModeType.PESSIMISTIC_WRITE);
        DeviceSession device = em.find(DeviceSession.class, clientId);
        if (device != null) {
            em.refresh(device);
        }
        if (device != null && device.getUsername().equals(username)) {
            if (!device.getConnectionId().equals(connectionId)) {
                return; // a newer connection of this user has authenticated since
            }
            device.markConnected(Instant.now());
            em.flush();
            publishPresence(username);
            return;
        }
        if (device == null) {
            return; // ended already (its disconnect was handled first), or never recorded: nothing to count
        }
        String previousUser = device.getUsername();
        em.remove(device);
        em.flush();
        DeviceSession adopted = new DeviceSession(clientId, connectionId, username, null, Instant.now());
        adopted.markConnected(Instant.now());
        em.persist(adopted);
        em.flush();
        publishPresence(username);
        publishPresence(previousUser);
    }

    /** The connection ended; ignored if the client id has connected again since. */
    public void disconnected(String clientId, String connectionId) {
        DeviceSession device = em.find(DeviceSession.class, clientId);
        if (device == null || !device.getConnectionId().equals(connectionId)) {
            return;
        }
        String username = device.getUsername();
        em.find(Account.class, username, LockModeType.PESSIMISTIC_WRITE);
        em.refresh(device);
        if (!device.getConnectionId().equals(connectionId)) {
            return;
        }
        em.remove(device);
        em.flush();
        publishPresence(username);
    }

    /**
     * Forgets the devices recorded on these cluster nodes before {@code before}: the nodes are gone (or this node
     * restarted), and their connections with them. Their users' presence is published again.
     *
     * @return how many devices were forgotten
     */
    public int forgetNodes(Collection<String> nodes, Instant before) {
        List<DeviceSession> gone = em.createNamedQuery(DeviceSession.ON_NODES, DeviceSession.class)
                .setParameter("nodes", nodes).setParameter("before", before).getResultList();
        if (gone.isEmpty()) {
            return 0;
        }
        Set<String> users = new TreeSet<>();
        gone.forEach(device -> users.add(device.getUsername()));
        for (String username : users) { // in name order, as every writer of several users' devices must
            em.find(Account.class, username, LockModeType.PESSIMISTIC_WRITE);
        }
        int forgotten = em.createQuery("delete from DeviceSession d where d.node in :nodes and d.since < :before")
                .setParameter("nodes", nodes).setParameter("before", before).executeUpdate();
        users.forEach(this::publishPresence);
        return forgotten;
    }

    /** The devices that authenticated with a token. */
    public List<DeviceSession> usingToken(String tokenDigest) {
        return em.createNamedQuery(DeviceSession.BY_TOKEN, DeviceSession.class)
                .setParameter("digest", tokenDigest).getResultList();
    }

    /** A user's presence now. */
    public Presence presence(String username) {
        List<DeviceSession> devices = em.createNamedQuery(DeviceSession.CONNECTED_OF_USER, DeviceSession.class)
                .setParameter("username", username).getResultList();
        Instant since = devices.stream().map(DeviceSession::getSince).min(Comparator.naturalOrder())
                .orElse(Instant.now());
        return new Presence(username, !devices.isEmpty(), devices.size(), since);
    }

    private void publishPresence(String username) {
        Presence presence = presence(username);
        String json = Events.JSON.createObjectBuilder()
                .add("online", presence.online())
                .add("devices", presence.devices())
                .add("since", presence.since().toString())
                .build().toString();
        mqtt.retainAfterCommit(PRESENCE_TOPIC + username, json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A user's presence.
     *
     * @param username the user
     * @param online   whether at least one device is connected
     * @param devices  how many are
     * @param since    since when the user is online (first connected device) or, when offline, now
     */
    public record Presence(String username, boolean online, int devices, Instant since) {
    }
}
