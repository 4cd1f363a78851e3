package org.reef.im.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Locks, at the start of an inflow batch's transaction, every row its sends will lock: the conversations (for their
 * seq) in id order, then the accounts of their members (for their inbox positions) in name order. Each send locks
 * its conversation before its members' accounts, so two batches that took these locks send by send, in the order of
 * their messages, could each wait for the other (a batch holding a group's members' accounts wants a direct
 * conversation another batch holds while it waits for one of those accounts). Taken all at once and in one order,
 * the same locks cannot form such a cycle; the sends then find them held already.
 */
final class BatchLocks {

    private static final String CONVERSATIONS =
            "select id from conversation where id = any(?) order by id for no key update";

    private static final String ACCOUNTS = "select username from account where username in ("
            + "select username from conversation_member where conversation_id = any(?) "
            + "union select unnest(?::varchar[])) order by username for no key update";

    private BatchLocks() {
    }

    /**
     * @param conversations the conversations the batch sends to (some may not exist yet)
     * @param withMembers   those of them whose members' accounts are to be locked (groups)
     * @param users         users the batch writes to besides the members of those (the two users of each direct
     *                      conversation: known without reading its members, and it may not exist yet)
     */
    static void lock(Connection connection, Collection<String> conversations, Collection<String> withMembers,
                     Collection<String> users) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(CONVERSATIONS)) {
            statement.setArray(1, connection.createArrayOf("varchar", conversations.toArray()));
            drain(statement);
        }
        try (PreparedStatement statement = connection.prepareStatement(ACCOUNTS)) {
            statement.setArray(1, connection.createArrayOf("varchar", withMembers.toArray()));
            statement.setArray(2, connection.createArrayOf("varchar", users.toArray()));
            drain(statement);
        }
    }

    private static void drain(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                rows.getString(1);
            }
        }
    }
}
