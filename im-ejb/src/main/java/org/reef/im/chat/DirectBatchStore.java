package org.reef.im.chat;

import org.reef.im.domain.Message;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The database side of a batch of direct messages, in plain JDBC on the caller's transaction: a few set-based
 * statements per batch, whatever its size, instead of several per message. What every send of the batch needs to
 * know is read in one query each (accounts and blocks that the cache lacks, earlier sends with the same
 * {@code clientMsgId}), and the messages are stored in one statement that takes each conversation's next seqs and
 * each user's next inbox positions (rows locked in name order), inserts the messages and appends them to the inboxes.
 */
final class DirectBatchStore {

    /** One message to store: {@code recipient} is the other user (the sender itself for notes to self). */
    record Send(String id, String conversation, String sender, String recipient, String kind, String body,
                String clientMsgId, String exceptClientId) {
    }

    /** A stored message's seq and the inbox position it got for each of its users. */
    record Stored(long seq, Map<String, Long> positions) {
    }

    private static final String STORE = """
            with input as (
                select * from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                                     ?::text[], ?::varchar[], ?::varchar[])
                    with ordinality as t(id, conv, sender, recipient, kind, body, cmid, except_client, ord)
            ),
            counts as (select conv, count(*) as n from input group by conv),
            locked_conv as (
                select c.id from conversation c where c.id in (select conv from counts) order by c.id for no key update
            ),
            conv as (
                update conversation c set last_seq = c.last_seq + k.n, last_message_at = ?
                from counts k where c.id = k.conv and c.id in (select id from locked_conv)
                returning c.id, c.last_seq - k.n as base
            ),
            msgs as (
                insert into message (id, conversation_id, seq, sender, recipient, kind, body, client_msg_id, sent_at)
                select i.id, i.conv, b.base + row_number() over (partition by i.conv order by i.ord), i.sender,
                       'user:' || i.recipient, i.kind, i.body, i.cmid, ?
                from input i join conv b on b.id = i.conv
                returning id, seq
            ),
            targets as (
                select i.ord, i.id, u.username, case when u.username = i.sender then i.except_client end as except_client
                from input i join conv b on b.id = i.conv
                cross join lateral (select i.sender as username union select i.recipient) u
            ),
            user_counts as (select username, count(*) as n from targets group by username),
            locked_users as (
                select a.username from account a where a.username in (select username from user_counts)
                order by a.username for no key update
            ),
            users as (
                update account a set inbox_position = a.inbox_position + u.n from user_counts u
                where a.username = u.username and a.username in (select username from locked_users)
                returning a.username, a.inbox_position - u.n as base
            ),
            entries as (
                insert into inbox_entry (username, position, message_id, except_client_id, event)
                select t.username, u.base + row_number() over (partition by t.username order by t.ord), t.id,
                       t.except_client, 'message'
                from targets t join users u on u.username = t.username
                returning username, position, message_id
            )
            select e.message_id, e.username, e.position, m.seq from entries e join msgs m on m.id = e.message_id
            """;

    private static final String ACCOUNTS = "select username, disabled from account where username = any(?)";

    private static final String BLOCKS = "select blocker, blocked from user_block where blocker = any(?)";

    private static final String EARLIER = "select id, conversation_id, seq, sender, recipient, kind, body, "
            + "client_msg_id, sent_at from message "
            + "where (sender, client_msg_id) in (select * from unnest(?::varchar[], ?::varchar[]))";

    private static final String CREATE_CONVERSATION = "insert into conversation (id, kind, last_seq, created_at) "
            + "select unnest(?::varchar[]), 'direct', 0, ? on conflict (id) do nothing";

    private static final String CREATE_MEMBERS = "insert into conversation_member "
            + "(conversation_id, username, read_seq, delivered_seq) "
            + "select * , 0, 0 from unnest(?::varchar[], ?::varchar[]) on conflict do nothing";

    private final Connection connection;

    DirectBatchStore(Connection connection) {
        this.connection = connection;
    }

    /** Whether each of these users that exists is disabled; a name that is not there does not exist. */
    Map<String, Boolean> accounts(Collection<String> usernames) throws SQLException {
        Map<String, Boolean> disabled = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(ACCOUNTS)) {
            statement.setArray(1, varchars(usernames));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    disabled.put(rows.getString(1), rows.getBoolean(2));
                }
            }
        }
        return disabled;
    }

    /** Whom each of these users blocks (an empty set for one who blocks nobody). */
    Map<String, Set<String>> blocksOf(Collection<String> blockers) throws SQLException {
        Map<String, Set<String>> found = new HashMap<>();
        for (String blocker : blockers) {
            found.put(blocker, new HashSet<>());
        }
        try (PreparedStatement statement = connection.prepareStatement(BLOCKS)) {
            statement.setArray(1, varchars(blockers));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.get(rows.getString(1)).add(rows.getString(2));
                }
            }
        }
        found.replaceAll((blocker, blocked) -> Set.copyOf(blocked)); // kept and shared by the cache: not to be changed
        return found;
    }

    /** The messages already stored under these (sender, clientMsgId) pairs, by {@link #pair} key. */
    Map<String, Message> earlier(List<String> senders, List<String> clientMsgIds) throws SQLException {
        Map<String, Message> found = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(EARLIER)) {
            statement.setArray(1, varchars(senders));
            statement.setArray(2, varchars(clientMsgIds));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Message message = new Message(rows.getString(1), rows.getString(2), rows.getLong(3),
                            rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7),
                            rows.getString(8), rows.getTimestamp(9).toInstant());
                    found.put(pair(message.getSender(), message.getClientMsgId()), message);
                }
            }
        }
        return found;
    }

    /**
     * Stores the messages, in their order, at {@code at}: returns what each stored message got, by message id. A
     * message whose conversation does not exist yet is not stored (see {@link #createConversations}).
     */
    Map<String, Stored> store(List<Send> sends, Instant at) throws SQLException {
        int size = sends.size();
        String[][] columns = new String[8][size];
        for (int i = 0; i < size; i++) {
            Send send = sends.get(i);
            columns[0][i] = send.id();
            columns[1][i] = send.conversation();
            columns[2][i] = send.sender();
            columns[3][i] = send.recipient();
            columns[4][i] = send.kind();
            columns[5][i] = send.body();
            columns[6][i] = send.clientMsgId();
            columns[7][i] = send.exceptClientId();
        }
        Map<String, Stored> stored = new LinkedHashMap<>();
        Timestamp when = Timestamp.from(at);
        try (PreparedStatement statement = connection.prepareStatement(STORE)) {
            for (int c = 0; c < columns.length; c++) {
                statement.setArray(c + 1, connection.createArrayOf(c == 5 ? "text" : "varchar", columns[c]));
            }
            statement.setTimestamp(9, when);
            statement.setTimestamp(10, when);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong(4);
                    stored.computeIfAbsent(rows.getString(1), id -> new Stored(seq, new HashMap<>()))
                            .positions().put(rows.getString(2), rows.getLong(3));
                }
            }
        }
        return stored;
    }

    /** Creates these direct conversations and their members, unless they exist (a concurrent send made them). */
    void createConversations(Collection<Send> firsts, Instant at) throws SQLException {
        Set<String> conversations = new HashSet<>();
        List<String> memberConversations = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (Send send : firsts) {
            if (conversations.add(send.conversation())) {
                memberConversations.add(send.conversation());
                members.add(send.sender());
                if (!send.recipient().equals(send.sender())) {
                    memberConversations.add(send.conversation());
                    members.add(send.recipient());
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(CREATE_CONVERSATION)) {
            statement.setArray(1, varchars(conversations));
            statement.setTimestamp(2, Timestamp.from(at));
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement(CREATE_MEMBERS)) {
            statement.setArray(1, varchars(memberConversations));
            statement.setArray(2, varchars(members));
            statement.executeUpdate();
        }
    }

    /** The key of a pair of names in the sets and maps above. */
    static String pair(String one, String other) {
        return one + '\n' + other;
    }

    private Array varchars(Collection<String> values) throws SQLException {
        return connection.createArrayOf("varchar", values.toArray());
    }
}
