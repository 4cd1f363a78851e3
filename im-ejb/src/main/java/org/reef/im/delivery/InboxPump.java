package org.reef.im.delivery;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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

    @Resource
    private ManagedExecutorService executor;

    private final ConcurrentMap<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<String>> devicesOfUser = new ConcurrentHashMap<>();
    /** Acknowledged positions reported but not yet written, by device. */
    private final ConcurrentMap<String, Long> pendingAcks = new ConcurrentHashMap<>();

    /**
     * A device's place in its user's inbox, guarded by {@link #lock}. Nobody waits for a cursor that is being pumped:
     * whoever finds it busy marks it {@link #dirty}, and the holder pumps again before letting go.
     */
    private static final class Cursor {
        final ReentrantLock lock = new ReentrantLock();
        volatile boolean dirty;
        /** Acknowledgements that arrived while the cursor was busy; its holder takes them into account. */
        final AtomicInteger ackedMeanwhile = new AtomicInteger();
        final String clientId;
        final String username;
        long sent;
        int unacknowledged;
        /** The connection the device is active on, or null while it is away. */
        String connectionId;

        Cursor(String clientId, String username, long start) {
            this.clientId = clientId;
            this.username = username;
            this.sent = start;
        }

        boolean active() {
            return connectionId != null;
        }
    }

    /**
     * A device wants its inbox: after subscribing to it, or on resuming a persistent session. Calls for the same
     * connection after the first change nothing, so the two may arrive in any order.
     *
     * @param resumed whether the broker resumed the device's session (it redelivers what was in flight itself, so
     *                the device continues where it was)
     */
    public void activate(String clientId, String username, boolean persistent, boolean resumed,
                         String connectionId) {
        // a new device starts after what the user's devices acknowledged: write what they reported meanwhile
        Set<String> siblings = devicesOfUser.get(username);
        if (siblings != null) {
            siblings.forEach(this::flushAck);
        }
        String[] previousUser = new String[1];
        Cursor cursor = cursors.compute(clientId, (id, known) -> {
            if (known != null && known.username.equals(username)) {
                known.lock.lock();
                try {
                    if (connectionId.equals(known.connectionId) || resumed) {
                        known.connectionId = connectionId;
                        return known;
                    }
                } finally {
                    known.lock.unlock();
                }
            }
            if (known != null && !known.username.equals(username)) {
                previousUser[0] = known.username; // the client id changed hands: it is no longer that user's device
            }
            Cursor fresh = new Cursor(clientId, username, inbox.open(clientId, username, persistent));
            fresh.connectionId = connectionId;
            return fresh;
        });
        if (previousUser[0] != null) {
            Set<String> devices = devicesOfUser.get(previousUser[0]);
            if (devices != null) {
                devices.remove(clientId);
            }
        }
        devicesOfUser.computeIfAbsent(username, u -> ConcurrentHashMap.newKeySet()).add(clientId);
        pump(cursor);
    }

    /** A connection of the device ended; a persistent device stays known (inactive) for its return. */
    public void deactivate(String clientId, boolean persistent, String connectionId) {
        flushAck(clientId);
        Cursor cursor = cursors.get(clientId);
        if (cursor == null) {
            return;
        }
        cursor.lock.lock();
        try {
            if (!connectionId.equals(cursor.connectionId)) {
                return; // an older connection's late news: the device is active on a newer one
            }
            cursor.connectionId = null;
        } finally {
            cursor.lock.unlock();
        }
        if (!persistent && cursors.remove(clientId, cursor)) {
            Set<String> devices = devicesOfUser.get(cursor.username);
            if (devices != null) {
                devices.remove(clientId);
            }
        }
    }

    /**
     * The device acknowledged deliveries (their positions), and the broker dropped others it could not keep (its
     * queue for the device was full): those are sent again, from the acknowledged position on.
     */
    public void acknowledged(String clientId, long[] positions, long[] dropped) {
        long highest = 0;
        for (long position : positions) {
            highest = Math.max(highest, position);
        }
        if (highest > 0) {
            pendingAcks.merge(clientId, highest, Math::max);
        }
        Cursor cursor = cursors.get(clientId);
        if (cursor == null || !cursor.active()) {
            flushAck(clientId); // the device has gone: its last acknowledgements are written at once
            return;
        }
        if (dropped.length == 0) {
            // never wait for a busy cursor: leave the count for its holder, which pumps again
            cursor.ackedMeanwhile.addAndGet(positions.length);
            pump(cursor);
            return;
        }
        flushAck(clientId);
        long resendFrom = inbox.acknowledgedPosition(clientId);
        cursor.lock.lock();
        try {
            LOG.log(Level.INFO, "Client {0}: {1} inbox deliveries dropped by the broker, resending",
                    new Object[]{clientId, dropped.length});
            cursor.ackedMeanwhile.set(0);
            cursor.sent = resendFrom;
            cursor.unacknowledged = 0;
        } finally {
            cursor.lock.unlock();
        }
        pump(cursor);
    }

    /**
     * Writes the acknowledged positions reported since the last time, all in one transaction: once a second rather
     * than once per report, which would be a transaction per device every few milliseconds under load. A crash
     * loses at most the last second of them: those messages are delivered again, with the same ids.
     */
    @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
    @PreDestroy // and when the application stops, so that a restart loses none
    void flushAcks() {
        if (pendingAcks.isEmpty()) {
            return;
        }
        Map<String, Long> batch = new HashMap<>();
        for (String clientId : pendingAcks.keySet()) {
            Long position = pendingAcks.remove(clientId);
            if (position != null) {
                batch.put(clientId, position);
            }
        }
        try {
            inbox.acknowledgeAll(batch);
        } catch (RuntimeException e) {
            batch.forEach((clientId, position) -> pendingAcks.merge(clientId, position, Math::max));
            LOG.log(Level.WARNING, "Could not record acknowledged inbox positions, will retry: {0}", e.toString());
        }
    }

    /** Writes one device's pending acknowledged position now (it disconnects, or needs resending from it). */
    private void flushAck(String clientId) {
        Long position = pendingAcks.remove(clientId);
        if (position != null) {
            inbox.acknowledge(clientId, position);
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

    /**
     * One new entry in each of these users' inboxes (the same event at each user's position), just committed: a
     * device that is caught up gets it straight away, without reading it back from the database; any other device
     * is pumped as usual. This keeps a message to a large group at one delivery per device.
     *
     * @param exceptClientId the sending device, which does not get it
     */
    public void newEntries(Map<String, Long> positions, byte[] event, String exceptClientId) {
        List<Cursor> behind = new ArrayList<>();
        try (MqttConnection connection = mqtt.getConnection()) {
            for (Map.Entry<String, Long> entry : positions.entrySet()) {
                Set<String> devices = devicesOfUser.get(entry.getKey());
                if (devices == null) {
                    continue;
                }
                long position = entry.getValue();
                for (String clientId : devices) {
                    Cursor cursor = cursors.get(clientId);
                    if (cursor == null || !cursor.username.equals(entry.getKey())) {
                        continue; // gone, or the client id now belongs to another user
                    }
                    try {
                        if (!deliverCaughtUp(connection, cursor, position, event, exceptClientId)) {
                            behind.add(cursor);
                        }
                    } catch (Exception e) {
                        LOG.log(Level.FINE, "Client {0}: direct inbox delivery failed, pumping: {1}",
                                new Object[]{clientId, e.toString()});
                        behind.add(cursor);
                    }
                }
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Inbox delivery failed: {0}", e.toString());
        }
        if (!behind.isEmpty()) {
            // reading the inbox needs a database connection: not on the committing thread, whose connection is
            // not back in the pool yet
            executor.execute(() -> behind.forEach(this::pump));
        }
    }

    /**
     * Delivers the entry at {@code position} if the device is active, caught up and has room; returns whether it is
     * taken care of (false: the caller pumps the cursor). A busy cursor is marked dirty: its holder pumps it again.
     */
    private static boolean deliverCaughtUp(MqttConnection connection, Cursor cursor, long position, byte[] event,
                                           String exceptClientId) throws Exception {
        if (!cursor.lock.tryLock()) {
            cursor.dirty = true;
            if (!cursor.lock.tryLock()) {
                return true; // the holder sees the mark after it lets go, and pumps
            }
        }
        try {
            cursor.unacknowledged = Math.max(0, cursor.unacknowledged - cursor.ackedMeanwhile.getAndSet(0));
            if (!cursor.active() || cursor.sent != position - 1 || cursor.unacknowledged >= WINDOW) {
                return cursor.sent >= position; // done already, else behind: pump it
            }
            if (!cursor.clientId.equals(exceptClientId)) {
                if (!connection.deliverTo(cursor.clientId, Events.INBOX + cursor.username, event, 1, position)) {
                    cursor.connectionId = null;
                    return true;
                }
                cursor.unacknowledged++;
            }
            cursor.sent = position;
            return true;
        } finally {
            cursor.lock.unlock();
        }
    }

    /**
     * Feeds a device from its inbox as far as its window allows. If another thread is doing so, leaves it a mark
     * instead of waiting (waiting threads would hold transactions' connections and starve the pool); the holder
     * goes round again when it finds the mark.
     */
    private void pump(Cursor cursor) {
        cursor.dirty = true;
        while (cursor.dirty && cursor.lock.tryLock()) {
            try {
                cursor.dirty = false;
                pumpLocked(cursor);
            } finally {
                cursor.lock.unlock();
            }
        }
    }

    private void pumpLocked(Cursor cursor) {
        cursor.unacknowledged = Math.max(0, cursor.unacknowledged - cursor.ackedMeanwhile.getAndSet(0));
        while (cursor.active() && cursor.unacknowledged < WINDOW) {
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
                            cursor.connectionId = null; // no session any more
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
