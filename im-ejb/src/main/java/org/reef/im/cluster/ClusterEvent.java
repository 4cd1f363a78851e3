package org.reef.im.cluster;

import java.util.Map;

/**
 * What one node tells the others, after its transaction committed: the events a client on another node may be
 * waiting for. Each kind says what the receiving node does with it on its own connections; none of them carries
 * anything the database does not already hold (a lost event delays a delivery until the device's next reconnect,
 * it never loses a message).
 */
public sealed interface ClusterEvent {

    /**
     * One new entry in each of these users' inboxes: the receiving node hands it to its devices of these users
     * that are caught up, and pumps the others.
     *
     * @param positions      user name to the entry's position in that user's inbox
     * @param event          the event as devices receive it (JSON)
     * @param exceptClientId the device it came from, which does not get it (null: none)
     */
    record InboxEntry(Map<String, Long> positions, byte[] event, String exceptClientId) implements ClusterEvent {
    }

    /**
     * A publish from this node's IM server or from one of its clients, for the receiving node's matching
     * subscribers (and its retained store, when {@code retain}).
     *
     * @param exceptClientId the client that is not to get it (null: none)
     */
    record Publish(String topic, byte[] payload, int qos, boolean retain, String exceptClientId)
            implements ClusterEvent {
    }

    /**
     * A message one of the sending node's MQTT clients published (or a will), in the resource adapter's own format
     * ({@link org.reef.mqtt.api.MqttRelay}): for the receiving node's matching subscribers and retained messages.
     */
    record Relayed(byte[] message) implements ClusterEvent {
    }

    /**
     * The sending node granted a user {@code count} sends of the rate limit: the receiving node takes them from its
     * own bucket of that user, so that the user has one budget across the cluster.
     */
    record RateSpent(String username, int count) implements ClusterEvent {
    }

    /**
     * The shared subscriptions ({@code $share/g/f}) that have members on the sending node now: every node places
     * each message for such a group on one node that has members ({@link SharedPlacement}).
     */
    record SharedGroups(String node, java.util.List<String> filters) implements ClusterEvent {

        public SharedGroups {
            filters = java.util.List.copyOf(filters);
        }
    }

    /**
     * A node that has just joined asks for the retained messages the others hold; the first other node of the view
     * answers with {@link RetainedCopy}.
     */
    record RetainedWanted(String node) implements ClusterEvent {
    }

    /**
     * Retained messages (the relay's format) for the node {@code node}, which has just joined; the other nodes ignore
     * it. A topic the node has set a retained message on since keeps that one.
     */
    record RetainedCopy(String node, java.util.List<byte[]> messages) implements ClusterEvent {

        public RetainedCopy {
            messages = java.util.List.copyOf(messages);
        }
    }

    /**
     * Close a client's connection wherever it is (disable, logout, token revoked).
     *
     * @param username the user whose session it must be (null: whoever's)
     */
    record Disconnect(String clientId, String username) implements ClusterEvent {
    }

    /**
     * A client id has just connected on the sending node: any other node closes its connection of that client id
     * (MQTT 5: DISCONNECT 0x8E, Session taken over) if it is older, and drops its session of it, as one broker would.
     *
     * @param connectedAtMillis when the new connection was reported (wall clock of the sending node)
     */
    record TakenOver(String clientId, long connectedAtMillis) implements ClusterEvent {
    }

    /**
     * Something the {@link org.reef.im.cache.SendCheckCache} keeps changed (committed): each node drops it.
     *
     * @param kind {@link #ACCOUNT} (its disabled flag) or {@link #BLOCKS} (whom {@code name} blocks)
     */
    record Invalidated(int kind, String name) implements ClusterEvent {
        public static final int ACCOUNT = 1;
        public static final int BLOCKS = 2;
    }
}
