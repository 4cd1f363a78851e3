package org.reef.im.delivery;

import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers each active device its user's inbox, in position order, through the resource adapter: at most
 * {@link #WINDOW} deliveries unacknowledged per device (a device with 100 000 pending messages is fed a window at a
 * time), each tracked, so that the device's acknowledged position advances as its PUBACKs come back.
 *
 * <p>A device becomes active when it subscribes to its inbox, or resumes a persistent session; it stays known while
 * offline with a persistent session, so that a resumed session continues where the broker's own redelivery leaves
 * off. Everything it needs survives a restart in the database: the entries and the acknowledged positions.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class InboxPump {

    private static final Logger LOG = Logger.getLogger(InboxPump.class.getName());

    /** Unacknowledged deliveries per device. */
    static final int WINDOW = 256;
    private static final int BATCH = 128;

    @EJB
    private InboxService inbox;

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory mqtt;

    private final ConcurrentMap<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<String>> devicesOfUser = new ConcurrentHashMap<>();

    /** A device's place in its user's inbox. Guarded by itself. */
    private static final class Cursor {
        final String clientId;
        final String username;
        long sent;
        int unacknowledged;
        boolean active;

        Cursor(String clientId, String username, long start) {
            this.clientId = clientId;
            this.username = username;
            this.sent = start;
        }
    }

    /**
     * A device wants its inbox: after subscribing to it, or on resuming a persistent session.
     *
     * @param resumed whether the broker resumed the device's session (it redelivers what was in flight itself)
     */
    public void activate(String clientId, String username, boolean persistent, boolean resumed) {
        Cursor known = cursors.get(clientId);
        if (known != null && known.username.equals(username) && resumed) {
            synchronized (known) {
                known.active = true;
            }
            pump(known);
            return;
        }
        if (known != null && known.username.equals(username)) {
            synchronized (known) {
                if (known.active) {
                    return; // subscribed again on the same connection
                }
            }
        }
        Cursor cursor = new Cursor(clientId, username, inbox.open(clientId, username, persistent));
        cursor.active = true;
        cursors.put(clientId, cursor);
        devicesOfUser.computeIfAbsent(username, u -> ConcurrentHashMap.newKeySet()).add(clientId);
        pump(cursor);
    }

    /** The device disconnected; a persistent one stays known (inactive) for its return. */
    public void deactivate(String clientId, boolean persistent) {
        Cursor cursor = persistent ? cursors.get(clientId) : cursors.remove(clientId);
        if (cursor == null) {
            return;
        }
        synchronized (cursor) {
            cursor.active = false;
        }
        if (!persistent) {
            Set<String> devices = devicesOfUser.get(cursor.username);
            if (devices != null) {
                devices.remove(clientId);
            }
        }
    }

    /** The device acknowledged deliveries (their positions). */
    public void acknowledged(String clientId, long[] positions) {
        long highest = 0;
        for (long position : positions) {
            highest = Math.max(highest, position);
        }
        inbox.acknowledge(clientId, highest);
        Cursor cursor = cursors.get(clientId);
        if (cursor != null) {
            synchronized (cursor) {
                cursor.unacknowledged = Math.max(0, cursor.unacknowledged - positions.length);
            }
            pump(cursor);
        }
    }

    /** New entries in a user's inbox: feed the user's active devices. */
    public void newEntries(String username) {
        Set<String> devices = devicesOfUser.get(username);
        if (devices == null) {
            return;
        }
        for (String clientId : devices) {
            Cursor cursor = cursors.get(clientId);
            if (cursor != null) {
                pump(cursor);
            }
        }
    }

    private void pump(Cursor cursor) {
        synchronized (cursor) {
            while (cursor.active && cursor.unacknowledged < WINDOW) {
                List<InboxService.Item> items = inbox.after(cursor.username, cursor.sent,
                        Math.min(BATCH, WINDOW - cursor.unacknowledged));
                if (items.isEmpty()) {
                    return;
                }
                try (MqttConnection connection = mqtt.getConnection()) {
                    for (InboxService.Item item : items) {
                        if (!cursor.clientId.equals(item.exceptClientId())) {
                            if (!connection.deliverTo(cursor.clientId, Events.INBOX + cursor.username, item.event(), 1,
                                    item.position())) {
                                cursor.active = false; // no session any more
                                return;
                            }
                            cursor.unacknowledged++;
                        }
                        cursor.sent = item.position();
                    }
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "Client {0}: inbox delivery failed: {1}",
                            new Object[]{cursor.clientId, e.toString()});
                    return;
                }
            }
        }
    }
}
