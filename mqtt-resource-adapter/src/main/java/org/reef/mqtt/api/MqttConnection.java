package org.reef.mqtt.api;

import jakarta.resource.ResourceException;

import java.util.List;

/**
 * A handle for publishing through the adapter's embedded broker. Publishing does not wait for subscribers: it routes
 * the message to the sessions whose subscriptions match and returns.
 *
 * <p>The connection takes no part in transactions. To publish only what a transaction committed, call it after the
 * commit (for example from a {@code jakarta.transaction.Synchronization#afterCompletion}).
 */
public interface MqttConnection extends AutoCloseable {

    /**
     * Publishes to every subscription matching {@code topic}, as if a client had published it (but without passing
     * through message inflow again).
     *
     * @param topic   a valid topic name
     * @param payload the message body; the adapter does not copy it, so do not change it afterwards
     * @param qos     0, 1 or 2: the highest QoS the message is delivered with
     * @param retain  whether the broker keeps it as the topic's retained message
     */
    void publish(String topic, byte[] payload, int qos, boolean retain) throws ResourceException;

    /**
     * Like {@link #publish(String, byte[], int, boolean)}, but not to one client (for example the device a message
     * came from, which already knows it).
     */
    void publish(String topic, byte[] payload, int qos, boolean retain, String exceptClientId)
            throws ResourceException;

    /**
     * Delivers a message to one client, whatever its subscriptions, on the given topic: at once if it is connected,
     * else queued in its persistent session (QoS 1 and 2 only).
     *
     * @return false if the client has no session
     */
    boolean deliverTo(String clientId, String topic, byte[] payload, int qos) throws ResourceException;

    /**
     * Like {@link #deliverTo(String, String, byte[], int)}, with a tracking id (0 or more) that the adapter reports to
     * the {@link MqttConnectionListener}s once the client acknowledged the delivery (PUBACK or PUBCOMP; for QoS 0,
     * once written). An application uses it to record what each device has received.
     */
    boolean deliverTo(String clientId, String topic, byte[] payload, int qos, long trackingId)
            throws ResourceException;

    /**
     * Closes a client's connection (MQTT 5 clients first get DISCONNECT 0x98, Administrative action). Its session
     * stays for its expiry interval; its will is published as for any server-side close.
     *
     * @return false if the client is not connected
     */
    boolean disconnect(String clientId) throws ResourceException;

    /**
     * Like {@link #disconnect(String)}, but only if the client's session belongs to this user: an application that
     * keeps its own record of which user uses which client id can act on it without ever closing another user's
     * connection, even when that record is stale.
     *
     * @param username the authenticated user name the session must run as (not null)
     * @return false if the client is not connected, or its session belongs to someone else (or to nobody)
     */
    boolean disconnect(String clientId, String username) throws ResourceException;

    /**
     * The client id connected on another node of a cluster at {@code connectedAtMillis} (wall clock): this adapter
     * closes its own connection of that client id if it is older (MQTT 5 clients first get DISCONNECT 0x8E, Session
     * taken over) and drops the client's session here, with its subscriptions and queued messages, as a takeover
     * within one broker would. Its row in a shared session store stays for the other node.
     *
     * @return false if this adapter had no session of the client id
     */
    boolean takenOverElsewhere(String clientId, long connectedAtMillis) throws ResourceException;

    /**
     * Installs the relay that gets every message this adapter's clients publish outside message inflow, once routed
     * here (null: none, the default). One relay per adapter: a second call replaces the first.
     */
    void relayTo(MqttRelay relay) throws ResourceException;

    /**
     * Routes a message another broker of the cluster {@link MqttRelay relayed}: to this adapter's matching
     * subscribers (No Local and the MQTT 5 properties honoured), and into its retained messages if it was retained.
     * It is not relayed again.
     *
     * @throws ResourceException if the bytes are not a relayed message
     */
    void routeRelayed(byte[] message) throws ResourceException;

    /**
     * The retained messages this adapter holds for its clients' topics (not {@code $} topics), in the relay's format:
     * for another broker of the cluster that has just joined ({@link #retainCopy}).
     */
    List<byte[]> retainedMessages() throws ResourceException;

    /**
     * Keeps a retained message another broker of the cluster holds ({@link #retainedMessages}), unless this adapter
     * has one for that topic already (set here since, so newer). Nobody is sent it now; later subscribers get it.
     *
     * @throws ResourceException if the bytes are not such a message
     */
    void retainCopy(byte[] message) throws ResourceException;

    /**
     * Installs what decides which broker of a cluster delivers each message to a shared subscription with members on
     * several brokers (null: this broker delivers to its own members, the default).
     */
    void placeSharedWith(MqttSharedPlacement placement) throws ResourceException;

    /** The shared subscriptions ({@code $share/{ShareName}/{filter}}) that have members on this broker now. */
    List<String> sharedFilters() throws ResourceException;

    /**
     * How many sessions hold a subscription to exactly this topic filter right now: compared as strings with the
     * filter as subscribed (so {@code chat/room/7} counts neither {@code chat/room/+} nor {@code chat/#}, and a shared
     * filter keeps its {@code $share/group/} prefix), one per session, offline persistent sessions included. Cheap:
     * one lookup, no scan over sessions.
     *
     * @throws ResourceException if the filter is not a valid topic filter
     */
    int subscriberCount(String topicFilter) throws ResourceException;

    /**
     * Whether the session of {@code clientId} holds a subscription to exactly this topic filter right now (compared
     * as {@link #subscriberCount} does). A connection-scoped subscription
     * ({@link MqttAck#acceptedForConnection}) counts only while its connection lasts.
     *
     * @throws ResourceException if the filter is not a valid topic filter
     */
    boolean isSubscribed(String clientId, String topicFilter) throws ResourceException;

    /** Releases the handle. */
    @Override
    void close() throws ResourceException;
}
