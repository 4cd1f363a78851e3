package org.reef.mqtt.session;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps persistent sessions in PostgreSQL (tables {@code mqtt_session}, {@code mqtt_session_subscription},
 * {@code mqtt_session_message}, created if absent), written behind: the sessions' threads only queue a change, and one
 * writer thread applies the queued changes in order, many per transaction. A failed write is retried until it
 * succeeds (a database outage delays writes, it does not reorder or lose them) or, at shutdown, until the close
 * timeout. The queue is bounded: when it is full a change is dropped and counted, never waited for.
 *
 * <p>What a crash (not a shutdown) can lose: the changes still queued (typically the last few milliseconds), and the
 * queued messages of sessions that were connected (they are written when a session disconnects, and at shutdown).
 */
public final class JdbcSessionStore implements SessionStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JdbcSessionStore.class.getName());

    private static final int MAX_CHANGES_PER_TRANSACTION = 500;
    private static final long MAX_RETRY_DELAY_MILLIS = 5_000;

    private static final String[] SCHEMA = {
            "create table if not exists mqtt_session (client_id text primary key, username text, "
                    + "expiry_seconds bigint not null, expires_at timestamptz, "
                    + "updated_at timestamptz not null default now())",
            "create table if not exists mqtt_session_subscription (client_id text not null, filter text not null, "
                    + "qos smallint not null, no_local boolean not null, retain_as_published boolean not null, "
                    + "retain_handling smallint not null, subscription_id integer not null, "
                    + "primary key (client_id, filter))",
            "create table if not exists mqtt_session_message (client_id text not null, seq bigint not null, "
                    + "delivery bytea not null, primary key (client_id, seq))"};

    private static final String UPSERT_SESSION = "insert into mqtt_session (client_id, username, expiry_seconds, "
            + "expires_at, updated_at) values (?, ?, ?, ?, now()) on conflict (client_id) do update set "
            + "username = excluded.username, expiry_seconds = excluded.expiry_seconds, "
            + "expires_at = excluded.expires_at, updated_at = now()";
    private static final String UPSERT_SUBSCRIPTION = "insert into mqtt_session_subscription (client_id, filter, "
            + "qos, no_local, retain_as_published, retain_handling, subscription_id) values (?, ?, ?, ?, ?, ?, ?) "
            + "on conflict (client_id, filter) do update set qos = excluded.qos, no_local = excluded.no_local, "
            + "retain_as_published = excluded.retain_as_published, retain_handling = excluded.retain_handling, "
            + "subscription_id = excluded.subscription_id";
    private static final String DELETE_SUBSCRIPTION =
            "delete from mqtt_session_subscription where client_id = ? and filter = ?";
    private static final String DELETE_SUBSCRIPTIONS = "delete from mqtt_session_subscription where client_id = ?";
    private static final String INSERT_MESSAGE =
            "insert into mqtt_session_message (client_id, seq, delivery) values (?, ?, ?) on conflict do nothing";
    private static final String DELETE_MESSAGES = "delete from mqtt_session_message where client_id = ?";
    private static final String DELETE_SESSION = "delete from mqtt_session where client_id = ?";

    /** One change, applied in the order it was queued. */
    private sealed interface Change permits Saved, Queued, Subscribed, Unsubscribed, Ended {
    }

    /** The session row and its subscriptions; its messages too when {@code queued} is not null. */
    private record Saved(String clientId, String username, long expirySeconds, long expiresAtMillis,
                         List<Subscription> subscriptions, List<byte[]> queued) implements Change {
    }

    private record Queued(String clientId, long sequence, byte[] delivery) implements Change {
    }

    private record Subscribed(Subscription subscription) implements Change {
    }

    private record Unsubscribed(String clientId, String filter) implements Change {
    }

    private record Ended(String clientId) implements Change {
    }

    private final DataSource dataSource;
    private final BlockingQueue<Change> changes;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;

    /**
     * @param capacity changes that may wait for the writer; beyond, new ones are dropped (and counted)
     */
    public JdbcSessionStore(DataSource dataSource, int capacity) {
        this.dataSource = dataSource;
        this.changes = new LinkedBlockingQueue<>(capacity);
        this.writer = new Thread(this::writeLoop, "reef-mqtt-session-store");
        this.writer.setDaemon(true);
    }

    /** Creates the tables if absent; then starts writing. */
    public void start() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String ddl : SCHEMA) {
                statement.execute(ddl);
            }
        }
        writer.start();
    }

    /** Changes dropped because the queue was full, since start. */
    public long droppedChanges() {
        return dropped.get();
    }

    /** Changes waiting to be written. */
    public int pendingChanges() {
        return changes.size();
    }

    @Override
    public void connected(String clientId, String username, long expirySeconds, long expiresAtMillis,
                          List<Subscription> subscriptions) {
        offer(new Saved(clientId, username, expirySeconds, expiresAtMillis, List.copyOf(subscriptions), List.of()));
    }

    @Override
    public void disconnected(String clientId, String username, long expirySeconds, long expiresAtMillis,
                             List<Subscription> subscriptions, List<Delivery> queued) {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        List<byte[]> encoded = new ArrayList<>(queued.size());
        for (Delivery delivery : queued) {
            encoded.add(DeliveryCodec.encode(delivery, nowNanos, nowMillis));
        }
        offer(new Saved(clientId, username, expirySeconds, expiresAtMillis, List.copyOf(subscriptions), encoded));
    }

    @Override
    public void queued(String clientId, long sequence, Delivery delivery) {
        offer(new Queued(clientId, sequence,
                DeliveryCodec.encode(delivery, System.nanoTime(), System.currentTimeMillis())));
    }

    @Override
    public void subscribed(Subscription subscription) {
        offer(new Subscribed(subscription));
    }

    @Override
    public void unsubscribed(String clientId, String filter) {
        offer(new Unsubscribed(clientId, filter));
    }

    @Override
    public void ended(String clientId) {
        offer(new Ended(clientId));
    }

    private void offer(Change change) {
        if (!changes.offer(change)) {
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.log(Level.WARNING, "The session store is {0} changes behind; dropping changes ({1} so far)",
                        new Object[]{changes.size(), dropped.get()});
            }
        }
    }

    /** Reads every session that has not expired, and deletes the expired ones. Call before {@link #start}'s writes. */
    @Override
    public List<StoredSession> load() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("delete from mqtt_session_subscription s using mqtt_session m where "
                        + "s.client_id = m.client_id and m.expires_at <= now()");
                statement.executeUpdate("delete from mqtt_session_message s using mqtt_session m where "
                        + "s.client_id = m.client_id and m.expires_at <= now()");
                statement.executeUpdate("delete from mqtt_session where expires_at <= now()");
            }
            Map<String, StoredSession> sessions = readSessions(connection);
            connection.commit();
            return List.copyOf(sessions.values());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the persistent sessions: " + e.getMessage(), e);
        }
    }

    private static Map<String, StoredSession> readSessions(Connection connection) throws SQLException {
        Map<String, Object[]> rows = new LinkedHashMap<>();
        Map<String, List<Subscription>> subscriptions = new HashMap<>();
        Map<String, List<Delivery>> messages = new HashMap<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "select client_id, username, expiry_seconds, expires_at from mqtt_session order by client_id")) {
                while (rs.next()) {
                    Timestamp expiresAt = rs.getTimestamp(4);
                    rows.put(rs.getString(1), new Object[]{rs.getString(2), rs.getLong(3),
                            expiresAt == null ? -1L : expiresAt.getTime()});
                }
            }
            try (ResultSet rs = statement.executeQuery("select client_id, filter, qos, no_local, "
                    + "retain_as_published, retain_handling, subscription_id from mqtt_session_subscription")) {
                while (rs.next()) {
                    String clientId = rs.getString(1);
                    subscriptions.computeIfAbsent(clientId, id -> new ArrayList<>()).add(new Subscription(clientId,
                            rs.getString(2), new SubscriptionOptions(rs.getInt(3), rs.getBoolean(4),
                            rs.getBoolean(5), rs.getInt(6), rs.getInt(7))));
                }
            }
            long nowNanos = System.nanoTime();
            long nowMillis = System.currentTimeMillis();
            try (ResultSet rs = statement.executeQuery(
                    "select client_id, delivery from mqtt_session_message order by client_id, seq")) {
                while (rs.next()) {
                    try {
                        messages.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                                .add(DeliveryCodec.decode(rs.getBytes(2), nowNanos, nowMillis));
                    } catch (IllegalArgumentException e) {
                        LOG.log(Level.WARNING, "Client {0}: a stored message cannot be read and is skipped: {1}",
                                new Object[]{rs.getString(1), e.getMessage()});
                    }
                }
            }
        }
        Map<String, StoredSession> sessions = new LinkedHashMap<>();
        rows.forEach((clientId, row) -> sessions.put(clientId, new StoredSession(clientId, (String) row[0],
                (Long) row[1], (Long) row[2], subscriptions.getOrDefault(clientId, List.of()),
                messages.getOrDefault(clientId, List.of()))));
        return sessions;
    }

    /**
     * Writes what is queued, waiting at most the timeout (for a database that does not answer), then stops the
     * writer. Changes still unwritten then are lost, and logged.
     */
    public void close(long timeout, TimeUnit unit) {
        closeDeadlineNanos = System.nanoTime() + unit.toNanos(timeout);
        closing = true;
        writer.interrupt();
        try {
            writer.join(unit.toMillis(timeout) + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!changes.isEmpty()) {
            LOG.log(Level.WARNING, "{0} session changes could not be written before shutdown", changes.size());
        }
    }

    @Override
    public void close() {
        close(10, TimeUnit.SECONDS);
    }

    private void writeLoop() {
        List<Change> batch = new ArrayList<>(MAX_CHANGES_PER_TRANSACTION);
        while (!closing || !changes.isEmpty()) {
            try {
                Change first = closing ? changes.poll() : changes.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                changes.drainTo(batch, MAX_CHANGES_PER_TRANSACTION - 1);
                if (!writeUntilDone(batch)) {
                    return;
                }
                batch.clear();
            } catch (InterruptedException e) {
                // closing: write what is left
            }
        }
    }

    /** Writes a batch, retrying after failures; false if it had to give up at shutdown. */
    private boolean writeUntilDone(List<Change> batch) {
        long delay = 100;
        boolean failedBefore = false;
        while (true) {
            try {
                write(batch);
                if (failedBefore) {
                    LOG.info("The session store writes again");
                }
                return true;
            } catch (SQLException | RuntimeException e) {
                if (!failedBefore) {
                    LOG.log(Level.WARNING, "Writing {0} session changes failed, retrying: {1}",
                            new Object[]{batch.size(), e.toString()});
                    failedBefore = true;
                }
                if (closing && System.nanoTime() - closeDeadlineNanos > 0) {
                    LOG.log(Level.WARNING, "Giving up {0} session changes at shutdown", batch.size() + changes.size());
                    return false;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(delay);
                } catch (InterruptedException interrupted) {
                    // closing: keep trying until the deadline
                }
                delay = Math.min(delay * 2, MAX_RETRY_DELAY_MILLIS);
            }
        }
    }

    private void write(List<Change> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statements statements = new Statements(connection)) {
                for (Change change : batch) {
                    apply(statements, change);
                }
                statements.flushMessages();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static void apply(Statements statements, Change change) throws SQLException {
        if (change instanceof Queued queued) {
            statements.message(queued.clientId(), queued.sequence(), queued.delivery());
            return;
        }
        statements.flushMessages();
        if (change instanceof Saved saved) {
            PreparedStatement upsert = statements.get(UPSERT_SESSION);
            upsert.setString(1, saved.clientId());
            upsert.setString(2, saved.username());
            upsert.setLong(3, saved.expirySeconds());
            upsert.setTimestamp(4, saved.expiresAtMillis() < 0 ? null : new Timestamp(saved.expiresAtMillis()));
            upsert.executeUpdate();
            statements.byClient(DELETE_SUBSCRIPTIONS, saved.clientId());
            for (Subscription subscription : saved.subscriptions()) {
                statements.subscription(subscription);
            }
            statements.byClient(DELETE_MESSAGES, saved.clientId());
            long sequence = 0;
            for (byte[] delivery : saved.queued()) {
                statements.message(saved.clientId(), ++sequence, delivery);
            }
            statements.flushMessages();
        } else if (change instanceof Subscribed subscribed) {
            statements.subscription(subscribed.subscription());
        } else if (change instanceof Unsubscribed unsubscribed) {
            PreparedStatement delete = statements.get(DELETE_SUBSCRIPTION);
            delete.setString(1, unsubscribed.clientId());
            delete.setString(2, unsubscribed.filter());
            delete.executeUpdate();
        } else if (change instanceof Ended ended) {
            statements.byClient(DELETE_SUBSCRIPTIONS, ended.clientId());
            statements.byClient(DELETE_MESSAGES, ended.clientId());
            statements.byClient(DELETE_SESSION, ended.clientId());
        }
    }

    /** The prepared statements of one transaction; message inserts go in one JDBC batch until another change. */
    private static final class Statements implements AutoCloseable {
        private final Connection connection;
        private final Map<String, PreparedStatement> prepared = new HashMap<>();
        private int batchedMessages;

        Statements(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement get(String sql) throws SQLException {
            PreparedStatement statement = prepared.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                prepared.put(sql, statement);
            }
            return statement;
        }

        void byClient(String sql, String clientId) throws SQLException {
            PreparedStatement statement = get(sql);
            statement.setString(1, clientId);
            statement.executeUpdate();
        }

        void subscription(Subscription subscription) throws SQLException {
            PreparedStatement upsert = get(UPSERT_SUBSCRIPTION);
            SubscriptionOptions options = subscription.options();
            upsert.setString(1, subscription.clientId());
            upsert.setString(2, subscription.filter());
            upsert.setInt(3, options.qos());
            upsert.setBoolean(4, options.noLocal());
            upsert.setBoolean(5, options.retainAsPublished());
            upsert.setInt(6, options.retainHandling());
            upsert.setInt(7, options.subscriptionId());
            upsert.executeUpdate();
        }

        void message(String clientId, long sequence, byte[] delivery) throws SQLException {
            PreparedStatement insert = get(INSERT_MESSAGE);
            insert.setString(1, clientId);
            insert.setLong(2, sequence);
            insert.setBytes(3, delivery);
            insert.addBatch();
            batchedMessages++;
        }

        void flushMessages() throws SQLException {
            if (batchedMessages > 0) {
                get(INSERT_MESSAGE).executeBatch();
                batchedMessages = 0;
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement statement : prepared.values()) {
                statement.close();
            }
        }
    }
}
