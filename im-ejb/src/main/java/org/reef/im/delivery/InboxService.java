package org.reef.im.delivery;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import org.reef.im.domain.Account;
import org.reef.im.domain.DeviceInbox;
import org.reef.im.domain.InboxEntry;
import org.reef.im.domain.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * The durable side of inbox delivery: appends messages to users' inboxes at gap-free positions, and keeps each
 * device's acknowledged position.
 */
@Stateless
public class InboxService {

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    /** An inbox entry ready to deliver: its position, the message event, and the device that must not get it. */
    public record Item(long position, byte[] event, String exceptClientId) {
    }

    /**
     * Appends a message to each user's inbox in the caller's transaction. Account rows are locked in name order, so
     * concurrent appends never deadlock and positions follow commit order.
     */
    public void append(Message message, List<String> users, String senderClientId) {
        for (String username : users.stream().sorted().distinct().toList()) {
            Account account = em.find(Account.class, username, LockModeType.PESSIMISTIC_WRITE);
            String except = username.equals(message.getSender()) ? senderClientId : null;
            em.persist(new InboxEntry(username, account.nextInboxPosition(), message.getId(), except));
        }
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
            items.add(new Item(entry.getPosition(), Events.bytes(Events.message((Message) row[1])),
                    entry.getExceptClientId()));
        }
        return items;
    }

    /** How far a device has acknowledged (0 if it never did). */
    public long acknowledgedPosition(String clientId) {
        DeviceInbox device = em.find(DeviceInbox.class, clientId);
        return device == null ? 0 : device.getAckedPosition();
    }

    /** Records that a device acknowledged everything up to a position (forward only). */
    public void acknowledge(String clientId, long position) {
        DeviceInbox device = em.find(DeviceInbox.class, clientId, LockModeType.PESSIMISTIC_WRITE);
        if (device != null) {
            device.acknowledge(position);
        }
    }
}
