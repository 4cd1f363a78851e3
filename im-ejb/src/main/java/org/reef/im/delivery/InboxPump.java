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
import jakarta.inject.Inject;
import org.reef.im.cluster.ClusterBus;
import org.reef.im.metrics.ImMetrics;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @EJB
    private ClusterBus cluster;

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory mqtt;

    @Resource
    private ManagedExecutorService executor;

    @Inject
    private ImMetrics metrics;

    /** Pumping tasks on the executor at most at once: each holds a database connection while it reads an inbox. */
    static final int PUMPERS = 4;

    private final ConcurrentMap<String, InboxCursor> cursors = new ConcurrentHashMap<>();
    /** Cursors waiting for a pumping task, each once. */
    private final java.util.Queue<InboxCursor> toPump = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pumpers = new java.util.concurrent.atomic.AtomicInteger();
    private final ConcurrentMap<String, Set<String>> devicesOfUser = new ConcurrentHashMap<>();
    /** Confirmed positions not yet written, by device. */
    private final ConcurrentMap<String, Ack> pendingAcks = new ConcurrentHashMap<>();
    /**
     * The newest inbox position each user is known to have: from the entries committed here or on another node
     * ({@link #newEntries}, {@link #deliverLocally}), and from reading an inbox to its end. A device whose cursor has
     * reached it is not read from the database again until it grows: its delivery reports (a PUBACK each) then cost
     * no query.
     */
    private final ConcurrentMap<String, Long> newestPosition = new ConcurrentHashMap<>();

    /** A device's confirmed position, with the user it belongs to (a client id may change hands). */
    record Ack(String username, long position) {
    }

    /**
     * A device wants its inbox: after subscribing to it, or on resuming a persistent session. Calls for the same
     * connection after the first change nothing, so the two may arrive in any order. A new connection of a known
     * device resynchronizes its window: whatever was in flight and not confirmed is sent again (with the same ids),
     * so that no acknowledgement lost with the old connection can hold the window shut.
     *
     * @param resumed whether the broker resumed the device's session (the device continues from its cursor)
     */
    public void activate(String clientId, String username, boolean persistent, boolean resumed,
                         String connectionId) {
        // this device's, and the user's other devices', confirmed positions: a new device starts after them
        flushAck(clientId);
        Set<String> siblings = devicesOfUser.get(username);
        if (siblings != null) {
            siblings.forEach(this::flushAck);
        }
        String[] previousUser = new String[1];
        InboxCursor cursor = cursors.compute(clientId, (id, known) -> {
            if (known != null && known.username.equals(username)) {
                known.lock.lock();
                try {
                    if (connectionId.equals(known.connectionId)) {
                        return known;
                    }
                    if (resumed) {
                        known.resynchronize();
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
            InboxCursor fresh = new InboxCursor(clientId, username, inbox.open(clientId, username, persistent),
                    metrics::delivered);
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
        InboxCursor cursor = cursors.get(clientId);
        if (cursor == null) {
            flushAck(clientId);
            return;
        }
        cursor.lock.lock();
        try {
            if (!connectionId.equals(cursor.connectionId)) {
                return; // an older connection's late news: the device is active on a newer one
            }
            cursor.connectionId = null;
            cursor.settle();
            recordConfirmed(cursor);
        } finally {
            cursor.lock.unlock();
        }
        flushAck(clientId);
        if (!persistent && cursors.remove(clientId, cursor)) {
            Set<String> devices = devicesOfUser.get(cursor.username);
            if (devices != null) {
                devices.remove(clientId);
            }
        }
    }

    /**
     * The device acknowledged deliveries (their positions), and the broker dropped others it could not keep (its
     * queue for the device was full): those are sent again, and the device's confirmed position stays below them.
     * Events too large for the device are replaced by a small {@code message_too_large} event (read the message
     * from the history), which counts for the position once acknowledged.
     * Reports are applied by whoever holds the cursor, also while the device is away, so a drop is never forgotten.
     *
     * @param username the user whose session made the deliveries; a report about another user's (the client id has
     *                 changed hands since) is ignored
     */
    public void acknowledged(String clientId, String username, long[] positions, long[] dropped,
                             long[] oversized) {
        InboxCursor cursor = cursors.get(clientId);
        if (cursor == null || (username != null && !cursor.username.equals(username))) {
            return; // a clean device that has gone, or the client id's previous owner's late report
        }
        for (long position : positions) {
            cursor.acked.add(position);
        }
        if (dropped.length > 0) {
            LOG.log(Level.INFO, "Client {0}: {1} inbox deliveries dropped by the broker, resending",
                    new Object[]{clientId, dropped.length});
            for (long position : dropped) {
                cursor.dropped.add(position);
            }
        }
        for (long position : oversized) {
            cursor.oversized.add(position);
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
        if (!pendingAcks.isEmpty()) {
            Map<String, Ack> batch = new HashMap<>();
            for (String clientId : pendingAcks.keySet()) {
                Ack ack = pendingAcks.remove(clientId);
                if (ack != null) {
                    batch.put(clientId, ack);
                }
            }
            try {
                inbox.acknowledgeAll(batch);
            } catch (RuntimeException e) {
                batch.forEach((clientId, ack) -> pendingAcks.merge(clientId, ack, InboxPump::later));
                LOG.log(Level.WARNING, "Could not record acknowledged inbox positions, will retry: {0}",
                        e.toString());
            }
        }
        sweep();
    }

    /**
     * Pumps the active devices that are behind their user's newest entry and have room, in case a wake-up was lost
     * (a failed live delivery, a refused task): nothing stays undelivered longer than a second.
     */
    private void sweep() {
        List<InboxCursor> behind = new ArrayList<>();
        for (InboxCursor cursor : cursors.values()) {
            Long newest = newestPosition.get(cursor.username);
            if (newest != null && cursor.active() && !cursor.lock.isLocked() && cursor.sent < newest
                    && cursor.outstanding.size() < WINDOW) {
                behind.add(cursor);
            }
        }
        if (!behind.isEmpty()) {
            pumpLater(behind);
        }
    }

    /** Devices connected and fed their inbox now (on this server). */
    public int activeDevices() {
        int active = 0;
        for (InboxCursor cursor : cursors.values()) {
            if (cursor.active()) {
                active++;
            }
        }
        return active;
    }

    /** Writes one device's pending confirmed position now (it disconnects, or another device starts). */
    private void flushAck(String clientId) {
        Ack ack = pendingAcks.remove(clientId);
        if (ack != null) {
            inbox.acknowledge(clientId, ack.username(), ack.position());
        }
    }

    /** Queues the cursor's confirmed position for writing, if it moved. Holder only. */
    private void recordConfirmed(InboxCursor cursor) {
        pendingAcks.merge(cursor.clientId, new Ack(cursor.username, cursor.confirmed), InboxPump::later);
    }

    /** The newer of two confirmed positions of a device; a new owner's replaces an old owner's. */
    private static Ack later(Ack old, Ack fresh) {
        return !old.username().equals(fresh.username()) || fresh.position() > old.position() ? fresh : old;
    }

    /**
     * One new entry in each of these users' inboxes (the same event at each user's position), just committed: a
     * device that is caught up gets it straight away, without reading it back from the database; any other device
     * is pumped as usual. This keeps a message to a large group at one delivery per device.
     *
     * @param exceptClientId the sending device, which does not get it
     */
    public void newEntries(Map<String, Long> positions, byte[] event, String exceptClientId) {
        newEntries(List.of(new NewEntry(positions, event, exceptClientId)));
    }

    /** One event at these users' inbox positions, skipping the sending device (null: none). */
    public record NewEntry(Map<String, Long> positions, byte[] event, String exceptClientId) {
    }

    /**
     * Several {@link #newEntries(Map, byte[], String)} at once (an inflow batch), in order, over one connection; the
     * other nodes of a cluster get them too, for their devices of these users.
     */
    public void newEntries(List<NewEntry> entries) {
        deliverLocally(entries);
        cluster.inboxEntries(entries);
    }

    /** Like {@link #newEntries(List)}, for this node's devices only: entries another node committed. */
    public void deliverLocally(List<NewEntry> entries) {
        long committedAt = System.nanoTime(); // called right after the commit (an afterCompletion)
        List<InboxCursor> behind = new ArrayList<>();
        List<InboxCursor> pending = new ArrayList<>();
        List<Long> pendingPositions = new ArrayList<>();
        List<NewEntry> pendingEntries = new ArrayList<>();
        for (NewEntry newEntry : entries) {
            for (Map.Entry<String, Long> entry : newEntry.positions().entrySet()) {
                newestPosition.merge(entry.getKey(), entry.getValue(), Math::max);
                Set<String> devices = devicesOfUser.get(entry.getKey());
                if (devices == null) {
                    continue;
                }
                for (String clientId : devices) {
                    InboxCursor cursor = cursors.get(clientId);
                    if (cursor != null && cursor.username.equals(entry.getKey())) { // else gone, or changed hands
                        pending.add(cursor);
                        pendingPositions.add(entry.getValue());
                        pendingEntries.add(newEntry);
                    }
                }
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        try (MqttConnection connection = mqtt.getConnection()) {
            for (int i = 0; i < pending.size(); i++) {
                InboxCursor cursor = pending.get(i);
                NewEntry entry = pendingEntries.get(i);
                try {
                    if (!deliverCaughtUp(connection, cursor, pendingPositions.get(i), entry.event(),
                            entry.exceptClientId(), committedAt) || cursor.dirty) {
                        behind.add(cursor); // behind, or marked by another thread while this one held it
                    }
                } catch (Exception e) {
                    LOG.log(Level.FINE, "Client {0}: direct inbox delivery failed, pumping: {1}",
                            new Object[]{cursor.clientId, e.toString()});
                    behind.add(cursor);
                }
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Inbox delivery failed, pumping instead: {0}", e.toString());
            behind = pending;
        }
        if (!behind.isEmpty()) {
            pumpLater(List.copyOf(new java.util.LinkedHashSet<>(behind))); // a device may be behind on several
        }
    }

    /**
     * Pumps cursors on the managed executor: reading the inbox needs a database connection, which the committing
     * thread must not take while its own is not back in the pool. The cursors queue, each once, for at most
     * {@link #PUMPERS} tasks at a time: one task per call, as before, let a burst of reconnecting devices (hundreds of
     * cursors behind at once) take every connection of the pool, so that logins and sends waited for one and failed.
     * If the executor refuses, the queue waits for the next call (the sweep makes one every second).
     */
    private void pumpLater(List<InboxCursor> cursorsToPump) {
        for (InboxCursor cursor : cursorsToPump) {
            if (cursor.queued.compareAndSet(false, true)) {
                toPump.add(cursor);
            }
        }
        startPumpers();
    }

    private void startPumpers() {
        while (!toPump.isEmpty()) {
            int running = pumpers.get();
            if (running >= PUMPERS) {
                return; // a running task takes them
            }
            if (pumpers.compareAndSet(running, running + 1)) {
                try {
                    executor.execute(this::drainPumpQueue);
                } catch (RuntimeException e) {
                    pumpers.decrementAndGet();
                    LOG.log(Level.WARNING, "Inbox pumping refused ({0}); the next sweep catches up", e.toString());
                    return;
                }
            }
        }
    }

    private void drainPumpQueue() {
        try {
            InboxCursor cursor;
            while ((cursor = toPump.poll()) != null) {
                cursor.queued.set(false);
                pump(cursor);
            }
        } finally {
            pumpers.decrementAndGet();
            startPumpers(); // cursors queued while this task was finishing
        }
    }

    /**
     * Delivers the entry at {@code position} if the device is active, caught up and has room; returns whether it is
     * taken care of (false: the caller pumps the cursor). A busy cursor is marked dirty: its holder pumps it again.
     */
    private static boolean deliverCaughtUp(MqttConnection connection, InboxCursor cursor, long position, byte[] event,
                                           String exceptClientId, long committedAt) throws Exception {
        if (!cursor.lock.tryLock()) {
            cursor.dirty = true;
            if (!cursor.lock.tryLock()) {
                return true; // the holder sees the mark after it lets go, and pumps
            }
        }
        try {
            cursor.settle();
            if (!cursor.toReplace.isEmpty()) {
                cursor.dirty = true; // stand-ins to send: the caller pumps
            }
            if (!cursor.active() || cursor.sent != position - 1 || cursor.outstanding.size() >= WINDOW) {
                return cursor.sent >= position; // done already, else behind: pump it
            }
            if (!cursor.clientId.equals(exceptClientId)) {
                if (!connection.deliverTo(cursor.clientId, Events.INBOX + cursor.username, event, 1, position)) {
                    cursor.connectionId = null;
                    return true;
                }
                cursor.outstanding.add(position);
                cursor.timed(position, committedAt);
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
    private void pump(InboxCursor cursor) {
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

    private void pumpLocked(InboxCursor cursor) {
        cursor.settle();
        recordConfirmedIfMoved(cursor);
        if (!cursor.toReplace.isEmpty() && cursor.active()) {
            replaceOversized(cursor);
        }
        while (cursor.active() && cursor.outstanding.size() < WINDOW) {
            Long newest = newestPosition.get(cursor.username);
            if (newest != null && cursor.sent >= newest) {
                return; // caught up with every entry committed since this node started: nothing to read
            }
            List<InboxService.Item> items = inbox.after(cursor.username, cursor.sent,
                    Math.min(BATCH, WINDOW - cursor.outstanding.size()));
            if (items.isEmpty()) {
                // Nothing newer in the database: what is committed later reaches newEntries (here, or from another
                // node), which raises the user's newest position and pumps whoever is behind it.
                newestPosition.merge(cursor.username, cursor.sent, Math::max);
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
                        cursor.outstanding.add(item.position());
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

    /** Sends the stand-ins of events that were too large for the device, at their positions. Holder only. */
    private void replaceOversized(InboxCursor cursor) {
        try (MqttConnection connection = mqtt.getConnection()) {
            for (Long position : cursor.toReplace) {
                byte[] standIn = inbox.tooLarge(cursor.username, position);
                if (standIn != null && connection.deliverTo(cursor.clientId, Events.INBOX + cursor.username,
                        standIn, 1, position)) {
                    cursor.replaced.add(position);
                } else {
                    cursor.outstanding.remove(position);
                }
            }
            cursor.toReplace.clear();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Client {0}: replacing oversized inbox events failed: {1}",
                    new Object[]{cursor.clientId, e.toString()});
        }
    }

    /** Queues the confirmed position for writing when it passed the last one queued. Holder only. */
    private void recordConfirmedIfMoved(InboxCursor cursor) {
        Ack pending = pendingAcks.get(cursor.clientId);
        if (cursor.confirmed > (pending == null ? cursor.recorded : pending.position())) {
            cursor.recorded = cursor.confirmed;
            recordConfirmed(cursor);
        }
    }
}
