package org.reef.im.chat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reef.im.domain.Message;
import org.reef.im.schema.Migrations;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch statements of the direct send path, against a real PostgreSQL with Reef's schema. */
class DirectBatchStoreTest {

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;

    @BeforeAll
    static void startDatabase() throws IOException, SQLException {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        try (Connection connection = dataSource.getConnection()) {
            new Migrations(connection).apply();
        }
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aBatchGetsGapFreeSeqsPerConversationAndPositionsPerUserInItsOrder() throws SQLException {
        String a = user();
        String b = user();
        String c = user();
        List<DirectBatchStore.Send> sends = List.of(send(a, b, "1"), send(a, c, "2"), send(b, a, "3"),
                send(a, b, "4"), send(c, c, "5"));
        Map<String, DirectBatchStore.Stored> stored;
        try (Connection connection = transaction()) {
            DirectBatchStore store = new DirectBatchStore(connection);
            assertTrue(store.store(sends, Instant.now()).isEmpty(), "no conversation exists yet: nothing stored");
            store.createConversations(sends, Instant.now());
            stored = store.store(sends, Instant.now());
            connection.commit();
        }
        assertEquals(5, stored.size());
        assertEquals(1, stored.get(sends.get(0).id()).seq());
        assertEquals(1, stored.get(sends.get(1).id()).seq());
        assertEquals(2, stored.get(sends.get(2).id()).seq(), "a to b, then b to a: one conversation");
        assertEquals(3, stored.get(sends.get(3).id()).seq());
        assertEquals(1, stored.get(sends.get(4).id()).seq());
        assertEquals(Map.of(a, 1L, b, 1L), stored.get(sends.get(0).id()).positions());
        assertEquals(Map.of(a, 2L, c, 1L), stored.get(sends.get(1).id()).positions());
        assertEquals(Map.of(a, 3L, b, 2L), stored.get(sends.get(2).id()).positions());
        assertEquals(Map.of(a, 4L, b, 3L), stored.get(sends.get(3).id()).positions());
        assertEquals(Map.of(c, 2L), stored.get(sends.get(4).id()).positions(), "a note to self: one entry");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "select except_client_id from inbox_entry where username = ? and position = 1")) {
            query.setString(1, a);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next());
                assertEquals("device-of-" + a, row.getString(1), "the sender's own entry skips the sending device");
            }
            query.setString(1, b);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next());
                assertEquals(null, row.getString(1), "the recipient's entry goes to all its devices");
            }
        }
    }

    @Test
    void readsAccountsBlocksAndEarlierSendsOfABatchInOneQueryEach() throws SQLException {
        String a = user();
        String b = user();
        DirectBatchStore.Send first = send(a, b, "x");
        try (Connection connection = transaction()) {
            DirectBatchStore store = new DirectBatchStore(connection);
            store.createConversations(List.of(first), Instant.now());
            store.store(List.of(first), Instant.now());
            try (Statement sql = connection.createStatement()) {
                sql.execute("update account set disabled = true where username = '" + b + "'");
                sql.execute("insert into user_block (blocker, blocked, created_at) values ('" + b + "', '" + a
                        + "', now())");
            }
            connection.commit();
        }
        try (Connection connection = transaction()) {
            DirectBatchStore store = new DirectBatchStore(connection);
            Map<String, Boolean> accounts = store.accounts(List.of(a, b, "nobody"));
            assertEquals(Map.of(a, false, b, true), accounts);
            assertEquals(Map.of(b, Set.of(a), a, Set.of()), store.blocksOf(List.of(b, a)));
            Map<String, Message> earlier = store.earlier(List.of(a, a), List.of("x", "y"));
            assertEquals(Set.of(DirectBatchStore.pair(a, "x")), earlier.keySet());
            Message message = earlier.get(DirectBatchStore.pair(a, "x"));
            assertEquals(first.id(), message.getId());
            assertEquals(1, message.getSeq());
            assertEquals("user:" + b, message.getRecipient());
        }
    }

    /** Many batches at once into few shared conversations: every seq and every position once, no gap. */
    @Test
    void concurrentBatchesIntoSharedConversationsLeaveNoGapAndNoDuplicate() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            users.add(user());
        }
        try (Connection connection = transaction()) {
            List<DirectBatchStore.Send> firsts = new ArrayList<>();
            for (String one : users) {
                for (String other : users) {
                    firsts.add(send(one, other, UUID.randomUUID().toString()));
                }
            }
            new DirectBatchStore(connection).createConversations(firsts, Instant.now());
            connection.commit();
        }
        int threads = 6;
        int batches = 40;
        AtomicInteger deadlocks = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            results.add(pool.submit(() -> {
                int stored = 0;
                for (int n = 0; n < batches; n++) {
                    List<DirectBatchStore.Send> batch = new ArrayList<>();
                    for (int k = 0; k < 10; k++) {
                        String from = users.get((seed + n + k) % users.size());
                        String to = users.get((seed * 3 + k * 7 + n) % users.size());
                        batch.add(send(from, to, UUID.randomUUID().toString()));
                    }
                    try (Connection connection = transaction()) {
                        try {
                            stored += new DirectBatchStore(connection).store(batch, Instant.now()).size();
                            connection.commit();
                        } catch (SQLException e) {
                            connection.rollback();
                            if (!"40P01".equals(e.getSQLState())) {
                                throw e;
                            }
                            deadlocks.incrementAndGet(); // the adapter sends such a batch again, one by one
                        }
                    }
                }
                return stored;
            }));
        }
        int stored = 0;
        for (Future<Integer> result : results) {
            stored += result.get();
        }
        pool.shutdown();
        assertEquals((threads * batches - deadlocks.get()) * 10, stored);
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            String in = "('" + String.join("','", users) + "')";
            try (ResultSet rows = sql.executeQuery("select conversation_id, count(*), min(seq), max(seq), "
                    + "count(distinct seq) from message where sender in " + in + " group by conversation_id")) {
                while (rows.next()) {
                    assertEquals(1, rows.getLong(3), rows.getString(1));
                    assertEquals(rows.getLong(2), rows.getLong(4), "no gap in " + rows.getString(1));
                    assertEquals(rows.getLong(2), rows.getLong(5));
                }
            }
            try (ResultSet rows = sql.executeQuery("select a.username, a.inbox_position, count(e.position), "
                    + "min(e.position), max(e.position) from account a join inbox_entry e on e.username = a.username "
                    + "where a.username in " + in + " group by a.username, a.inbox_position")) {
                int seen = 0;
                while (rows.next()) {
                    seen++;
                    assertEquals(1, rows.getLong(4));
                    assertEquals(rows.getLong(2), rows.getLong(3), "one entry per position of " + rows.getString(1));
                    assertEquals(rows.getLong(2), rows.getLong(5));
                }
                assertEquals(users.size(), seen);
            }
        }
        assertFalse(deadlocks.get() > threads * batches / 10, "deadlocks are rare: " + deadlocks.get());
    }

    private static DirectBatchStore.Send send(String from, String to, String clientMsgId) {
        return new DirectBatchStore.Send(UUID.randomUUID().toString(), Conversations.direct(from, to), from, to,
                "text", "hello " + clientMsgId, clientMsgId, "device-of-" + from);
    }

    private static Connection transaction() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        return connection;
    }

    private static String user() throws SQLException {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "insert into account (username, password_hash, display_name, role, created_at) "
                        + "values (?, 'x', ?, 'user', now())")) {
            insert.setString(1, name);
            insert.setString(2, name);
            insert.executeUpdate();
        }
        return name;
    }
}
