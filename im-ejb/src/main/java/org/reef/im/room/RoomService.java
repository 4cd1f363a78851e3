package org.reef.im.room;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.resource.ResourceException;
import org.reef.im.chat.Conversations;
import org.reef.im.chat.SendCommand;
import org.reef.im.cluster.ClusterBus;
import org.reef.im.config.ImSettings;
import org.reef.im.delivery.AfterCommitPublisher;
import org.reef.im.delivery.Events;
import org.reef.im.domain.Room;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;
import org.reef.im.moderation.ContentFilter;
import org.reef.im.moderation.SendRateLimiter;
import org.reef.mqtt.api.MqttAck;
import org.reef.mqtt.api.MqttConnection;
import org.reef.mqtt.api.MqttConnectionFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Chat rooms: named, online only. A room is joined by subscribing to {@code im/rooms/{name}} (refused beyond its
 * size limit, and gone when the connection ends) and left by unsubscribing or disconnecting; a message sent to
 * {@code room:{name}} by a subscribed device is stamped with its sender and time and published to the room's
 * current subscribers. Nothing of it is stored. Who is in a room is the broker's knowledge, not the database's.
 */
@Stateless
public class RoomService {

    public static final String TOPIC_PREFIX = "im/rooms/";

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private ImSettings settings;

    @EJB
    private AfterCommitPublisher mqtt;

    @EJB
    private ContentFilter contentFilter;

    @EJB
    private SendRateLimiter rateLimiter;

    @Resource(lookup = MqttConnectionFactory.JNDI_NAME)
    private MqttConnectionFactory broker;

    @EJB
    private ClusterBus cluster;

    /** A room and how many devices are in it now. */
    public record RoomView(Room room, int online) {
    }

    /** Creates a room; costs one send of the owner's rate limit. */
    public Room create(String owner, String name, Integer maxMembers) {
        rateLimiter.acquire(owner);
        if (name == null || !Conversations.ROOM_NAME.matcher(name).matches()) {
            throw new ImException(ImError.INVALID, "name must match [a-z0-9_-]{1,64}");
        }
        int limit = maxMembers == null ? settings.roomMaxMembers() : maxMembers;
        if (limit < 1 || limit > settings.roomMaxMembers()) {
            throw new ImException(ImError.INVALID, "maxMembers must be between 1 and " + settings.roomMaxMembers());
        }
        if (online(name) > 0) {
            // devices of a deleted room of that name are still subscribed: they must not end up in the new room
            throw new ImException(ImError.CONFLICT, "the name " + name + " is still in use by a deleted room's "
                    + "members; try again once they left");
        }
        int created = em.createNativeQuery("insert into room (name, owner, max_members, created_at) "
                        + "values (?1, ?2, ?3, ?4) on conflict do nothing").setParameter(1, name).setParameter(2, owner)
                .setParameter(3, limit).setParameter(4, Instant.now()).executeUpdate();
        if (created == 0) {
            throw new ImException(ImError.CONFLICT, "the room " + name + " exists");
        }
        return em.find(Room.class, name);
    }

    /** A page of the rooms, by name (one broker lookup per room, for its member count). */
    public List<RoomView> list(int offset, int limit) {
        return em.createNamedQuery(Room.ALL, Room.class).setFirstResult(offset).setMaxResults(limit).getResultList()
                .stream().map(room -> new RoomView(room, online(room.getName()))).toList();
    }

    public RoomView get(String name) {
        Room room = find(name);
        return new RoomView(room, online(name));
    }

    /** Deletes a room (its owner, or an administrator); its subscribers are told and can send no more. */
    public void delete(String actor, boolean actorIsAdmin, String name) {
        Room room = find(name);
        if (!room.getOwner().equals(actor) && !actorIsAdmin) {
            throw new ImException(ImError.FORBIDDEN, "only the owner of " + name + " may delete it");
        }
        em.remove(room);
        mqtt.publishAfterCommit(TOPIC_PREFIX + name, Events.bytes(Events.roomDeleted(name)), 1);
    }

    /**
     * The verdict on a subscription under {@code im/rooms/}: an existing room, by its exact name, within its size
     * limit; the subscription lasts as long as the connection.
     */
    public MqttAck authorizeSubscription(String username, String filter) {
        if (username == null) {
            return MqttAck.refused(0x87, "sign in to join rooms");
        }
        String name = filter.substring(TOPIC_PREFIX.length());
        Room room = Conversations.ROOM_NAME.matcher(name).matches() ? em.find(Room.class, name) : null;
        if (room == null) {
            return MqttAck.refused(0x87, "no room " + name);
        }
        // the limit counts the room's subscribers on every node: this node's broker admits up to what is left
        int elsewhere = cluster.subscribersElsewhere(filter);
        if (elsewhere >= room.getMaxMembers()) {
            return MqttAck.refused(0x97, "room " + name + " is full");
        }
        return MqttAck.acceptedForConnection(room.getMaxMembers() - elsewhere);
    }

    /**
     * Relays a message to the room from a user who is in it (the sending device, or another of the user's connected
     * devices, is subscribed), after the content filter.
     */
    public void send(String sender, String senderClientId, String name, SendCommand command) {
        find(name);
        if (!inRoom(sender, senderClientId, name)) {
            throw new ImException(ImError.NOT_A_MEMBER, "join the room (subscribe to " + TOPIC_PREFIX + name
                    + ") to send to it");
        }
        String body = contentFilter.apply(command.body());
        String conversation = Conversations.ROOM_PREFIX + name;
        if (command.isTyping()) {
            mqtt.publishAfterCommit(TOPIC_PREFIX + name, Events.bytes(Events.typing(conversation, sender, body)), 0);
            return;
        }
        byte[] event = Events.bytes(Events.roomMessage(UUID.randomUUID().toString(), conversation, sender,
                command.kind(), body, command.clientMsgId(), Instant.now()));
        mqtt.publishAfterCommit(TOPIC_PREFIX + name, event, 1);
    }

    private Room find(String name) {
        Room room = name == null ? null : em.find(Room.class, name);
        if (room == null) {
            throw new ImException(ImError.NOT_FOUND, "no room " + name);
        }
        return room;
    }

    private int online(String name) {
        try (MqttConnection connection = broker.getConnection()) {
            return connection.subscriberCount(TOPIC_PREFIX + name)
                    + cluster.subscribersElsewhere(TOPIC_PREFIX + name);
        } catch (ResourceException e) {
            throw new IllegalStateException("the broker is not available", e);
        }
    }

    private boolean inRoom(String username, String clientId, String name) {
        try (MqttConnection connection = broker.getConnection()) {
            if (clientId != null && connection.isSubscribed(clientId, TOPIC_PREFIX + name)) {
                return true;
            }
            List<String> devices = em.createQuery("select d.clientId from DeviceSession d where d.username = :username "
                    + "and d.connected = true", String.class).setParameter("username", username).getResultList();
            for (String device : devices) {
                if (connection.isSubscribed(device, TOPIC_PREFIX + name)) {
                    return true;
                }
            }
            return cluster.subscribedElsewhere(devices, TOPIC_PREFIX + name); // devices on other nodes
        } catch (ResourceException e) {
            throw new IllegalStateException("the broker is not available", e);
        }
    }
}
