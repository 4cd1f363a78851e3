package org.reef.im.delivery;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import org.reef.im.domain.DeviceInbox;
import org.reef.im.domain.InboxEntry;
import org.reef.im.domain.Message;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The durable side of inbox delivery: appends messages to users' inboxes at gap-free positions, and keeps each
 * device's acknowledged position.
 */
@Stateless
public class InboxService {

    /** Confirmed positions of many devices in one statement: client ids, user names and positions as arrays. */
    private static final String ACKNOWLEDGE_ALL = "update device_inbox d "
            + "set acked_position = greatest(d.acked_position, v.position), updated_at = now() "
            + "from unnest(?::varchar[], ?::varchar[], ?::bigint[]) as v(client_id, username, position) "
            + "where d.client_id = v.client_id and d.username = v.username";

    @Resource(lookup = "java:jboss/datasources/ReefDS")
    private DataSource dataSource;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    /** An inbox entry ready to deliver: its position, the message event, and the device that must not get it. */
    public record Item(long position, byte[] event, String exceptClientId) {
    }

    /**
     * Appends an entry for a message to the inbox of every member of a conversation in the caller's transaction, in
     * one statement however many they are: the members' account rows are locked in name order ({@code for no key
     * update}, which does not conflict with the key-share locks that inserts referencing an account take, and keeps
     * concurrent appends from deadlocking and positions in commit order), their inbox positions advanced, and the
     * entries written.
     *
     * @param event          {@link InboxEntry#MESSAGE} or {@link InboxEntry#DELETED}
     * @param senderClientId the device of {@code sender} that must not get the entry (it has it), or null
     * @return each member's new position
     */
    public Map<String, Long> appendToMembers(String messageId, String event, String conversationId, String sender,
                                             String senderClientId) {
        return appendToMembersSince(messageId, event, conversationId, Long.MAX_VALUE, sender, senderClientId);
    }

    /** Like {@link #appendToMembers}, to the members who had joined by {@code seq} (who may see that message). */
    public Map<String, Long> appendToMembersSince(String messageId, String event, String conversationId, long seq,
                                                  String sender, String senderClientId) {
        return appendWhere("a.username in (select m.username from conversation_member m "
                        + "where m.conversation_id = :conversation and m.joined_seq <= :seq)", messageId, event, sender,
                senderClientId, query -> query.setParameter("conversation", conversationId).setParameter("seq", seq));
    }

    private Map<String, Long> appendWhere(String condition, String messageId, String event, String sender,
                                          String senderClientId, Consumer<Query> binder) {
        em.flush();
        Query query = em.createNativeQuery("with locked as (select a.username from account a where " + condition
                + " order by a.username for no key update), "
                + "bumped as (update account a set inbox_position = a.inbox_position + 1 from locked l "
                + "where a.username = l.username returning a.username, a.inbox_position) "
                + "insert into inbox_entry (username, position, message_id, except_client_id, event) "
                + "select b.username, b.inbox_position, :message, "
                + "case when b.username = :sender then cast(:except as varchar) end, :event from bumped b "
                + "returning username, position")
                .setParameter("message", messageId).setParameter("sender", sender)
                .setParameter("except", senderClientId).setParameter("event", event);
        binder.accept(query);
        Map<String, Long> positions = new HashMap<>();
        for (Object row : query.getResultList()) {
            Object[] columns = (Object[]) row;
            positions.put((String) columns[0], ((Number) columns[1]).longValue());
        }
        return positions;
    }

    /**
     * Where a device starts: a persistent device that was here before continues after what it acknowledged; any
     * other device starts after what the user's devices acknowledged (so it also gets what no device has received).
     */
    public long open(String clientId, String username, boolean persistent) {
        DeviceInbox device = em.find(DeviceInbox.class, clientId, LockModeType.PESSIMISTIC_WRITE);
        if (device != null && persistent && device.getUsername().equals(username)) {
            return device.getAckedPosition();
        }
        Long received = em.createNamedQuery(DeviceInbox.MAX_ACKED_OF_USER, Long.class)
                .setParameter("username", username).getSingleResult();
        long start = received == null ? 0 : received;
        if (device == null) {
            em.persist(new DeviceInbox(clientId, username, start));
        } else {
            device.reset(username, start);
        }
        return start;
    }

    /** Entries of the user's inbox after a position, oldest first. */
    public List<Item> after(String username, long position, int limit) {
        List<Object[]> rows = em.createQuery("select e, m from InboxEntry e, Message m where e.messageId = m.id "
                        + "and e.key.username = :username and e.key.position > :position order by e.key.position",
                Object[].class).setParameter("username", username).setParameter("position", position)
                .setMaxResults(limit).getResultList();
        List<Item> items = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            InboxEntry entry = (InboxEntry) row[0];
            Message message = (Message) row[1];
            byte[] event = InboxEntry.DELETED.equals(entry.getEvent()) ? Events.bytes(Events.deleted(message))
                    : Events.bytes(Events.message(message));
            items.add(new Item(entry.getPosition(), event, entry.getExceptClientId()));
        }
        return items;
    }

    /**
     * The small event that stands in for the entry at a position when its event is too large for a device, or null
     * if there is no such entry.
     */
    public byte[] tooLarge(String username, long position) {
        List<Message> messages = em.createQuery("select m from InboxEntry e, Message m where e.messageId = m.id "
                        + "and e.key.username = :username and e.key.position = :position", Message.class)
                .setParameter("username", username).setParameter("position", position).getResultList();
        return messages.isEmpty() ? null : Events.bytes(Events.tooLarge(messages.get(0)));
    }

    /**
     * Records confirmed positions of several devices (forward only), in one transaction and one statement (the
     * arrays unnested), however many devices: a statement per device overran the once-a-second flush under load.
     * Each only while its client id still belongs to the user the position was confirmed for.
     */
    public void acknowledgeAll(Map<String, InboxPump.Ack> positions) {
        if (positions.isEmpty()) {
            return;
        }
        List<String> clientIds = new ArrayList<>(positions.keySet());
        clientIds.sort(null);
        String[] usernames = new String[clientIds.size()];
        Long[] confirmed = new Long[clientIds.size()];
        for (int i = 0; i < usernames.length; i++) {
            InboxPump.Ack ack = positions.get(clientIds.get(i));
            usernames[i] = ack.username();
            confirmed[i] = ack.position();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(ACKNOWLEDGE_ALL)) {
            update.setArray(1, connection.createArrayOf("varchar", clientIds.toArray()));
            update.setArray(2, connection.createArrayOf("varchar", usernames));
            update.setArray(3, connection.createArrayOf("bigint", confirmed));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record " + clientIds.size() + " inbox positions: "
                    + e.getMessage(), e);
        }
    }

    /** Records that a user's device confirmed everything up to a position (forward only). */
    public void acknowledge(String clientId, String username, long position) {
        DeviceInbox device = em.find(DeviceInbox.class, clientId, LockModeType.PESSIMISTIC_WRITE);
        if (device != null && device.getUsername().equals(username)) {
            device.acknowledge(position);
        }
    }
}
