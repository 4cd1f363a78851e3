package org.reef.mqtt.session;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.reef.mqtt.logging.LogSafe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server side of one client identifier: its subscriptions, the messages on their way to it, the QoS 2 packets it
 * sent that await release, and its current connection if any. A session outlives its connections when the client
 * asked for it (MQTT 3.1.1 CleanSession = 0, MQTT 5 Session Expiry Interval &gt; 0).
 *
 * <p>All state is confined to one executor, the session's owner: the event loop of its connection, or of its last
 * connection while detached. {@link #execute} runs a task there; ownership moves to the new connection's event loop
 * when a client reconnects, from a task running on the old owner, so every task sees the state its predecessors left.
 */
public final class Session {

    private static final Logger LOG = Logger.getLogger(Session.class.getName());

    /** Room for waiting sends of a session with a tiny queue, so that bursts are not dropped needlessly. */
    private static final int MIN_PENDING_SENDS = 64;

    /** How long acknowledgements of tracked deliveries gather before they are reported. */
    private static final long REPORT_DELAY_MILLIS = 20;

    private final String clientId;
    private volatile EventExecutor owner;
    private final OutboundQueue outbound;
    private final DeliveryCounters counters;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Set<Integer> awaitingRelease = new HashSet<>();
    /** QoS 2 packet ids whose message the application has not taken yet (no PUBREC sent). */
    private final Set<Integer> pendingQos2 = new HashSet<>();
    private final Map<String, Integer> topicAliases = new HashMap<>();

    private final String username;
    private Channel channel;
    private ConnectionLimits limits;
    private long expiryIntervalSeconds;
    private ScheduledFuture<?> expiryTimer;
    private ScheduledFuture<?> willTimer;
    private PublishMessage pendingWill;
    private boolean ended;
    private DeliveryReporter reporter;
    private long[] acknowledged = new long[16];
    private int acknowledgedCount;
    private long[] droppedTracked = new long[0];
    private long[] oversizedTracked = new long[0];
    private Runnable dropListener = () -> { };
    private boolean reportScheduled;
    /** Sends waiting on the owner's task queue, and how many untracked QoS 0 ones may wait (see {@link #send}). */
    private final java.util.concurrent.atomic.AtomicInteger pendingSends = new java.util.concurrent.atomic.AtomicInteger();
    private final int maxPendingSends;
    private final java.util.concurrent.atomic.AtomicLong droppedBeforeQueue = new java.util.concurrent.atomic.AtomicLong();
    /** Whether a connection is attached, readable from any thread (shared subscriptions prefer online members). */
    private volatile boolean online;
    private SessionStore store = SessionStore.NONE;
    /** Whether the store holds this session. */
    private boolean persisted;
    /** How many messages the store holds for it: the sequence of the last one. */
    private long storedMessages;

    /** Session Expiry Interval meaning "never" (MQTT 5.0 section 3.1.2.11.2). */
    private static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

    /**
     * @param username the authenticated user the session belongs to, or null for an anonymous client; another user
     *                 may not take the session over
     */
    public Session(String clientId, String username, EventExecutor owner, int maxQueued) {
        this(clientId, username, owner, QueueLimits.messages(maxQueued));
    }

    /** A session whose queue is bounded in messages and bytes (security review F4). */
    public Session(String clientId, String username, EventExecutor owner, QueueLimits queueLimits) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.username = username;
        this.owner = Objects.requireNonNull(owner, "owner");
        this.outbound = new OutboundQueue(queueLimits);
        this.counters = queueLimits.counters();
        this.maxPendingSends = Math.max(queueLimits.maxQueued(), MIN_PENDING_SENDS);
    }

    public String clientId() {
        return clientId;
    }

    /** Told of every message the session's full queue drops (the broker counts them). Owner only. */
    public void dropListener(Runnable listener) {
        this.dropListener = listener;
    }

    /** Receives the tracking ids of acknowledged tracked deliveries, in batches. Owner only. */
    public void reporter(DeliveryReporter newReporter) {
        this.reporter = newReporter;
    }

    /** Where a session reports settled tracked deliveries. */
    @FunctionalInterface
    public interface DeliveryReporter {
        /**
         * @param acknowledged tracking ids the client acknowledged
         * @param dropped      tracking ids dropped because the session's queue was full
         * @param oversized    tracking ids not sent because they exceed the client's Maximum Packet Size
         */
        void settled(Session session, long[] acknowledged, long[] dropped, long[] oversized);
    }

    /** Runs a task on the session's owner executor; safe from any thread. */
    public void execute(Runnable task) {
        EventExecutor current = owner;
        if (current.inEventLoop()) {
            task.run();
        } else {
            current.execute(() -> {
                if (owner.inEventLoop()) {
                    task.run();
                } else {
                    execute(task); // ownership moved meanwhile: follow it
                }
            });
        }
    }

    public EventExecutor owner() {
        return owner;
    }

    /** Moves the session to another executor. Owner only; later tasks run on the new owner. */
    public void moveTo(EventExecutor newOwner) {
        this.owner = newOwner;
    }

    // ---- connection (owner only) ----

    /**
     * Attaches a connection of the session's user; topic aliases start afresh with every connection (MQTT 5.0
     * section 3.3.2.3.4).
     */
    public void attach(Channel newChannel, ConnectionLimits newLimits) {
        channel = newChannel;
        online = true;
        limits = newLimits;
        topicAliases.clear();
        cancelTimers();
    }

    /** Detaches the given connection if it is still the current one; returns whether it was. */
    public boolean detach(Channel closed) {
        if (channel != closed || channel == null) {
            return false;
        }
        channel = null;
        online = false;
        return true;
    }

    /** Whether a connection is attached; any thread, possibly a moment stale. */
    public boolean isOnline() {
        return online;
    }

    public boolean isConnected() {
        return channel != null;
    }

    public Channel channel() {
        return channel;
    }

    public String username() {
        return username;
    }

    public ConnectionLimits limits() {
        return limits;
    }

    public boolean isEnded() {
        return ended;
    }

    /** Marks the session over; the caller removes it from the registry and the subscription tree. Owner only. */
    public void end() {
        ended = true;
        channel = null;
        online = false;
        expiryTimer(null);
        outbound.clear();
        awaitingRelease.clear();
        pendingQos2.clear();
    }

    /** Discards all state for a clean start (MQTT 3.1.1 section 3.1.2.4). Owner only. */
    public void clear() {
        subscriptions.clear();
        outbound.clear();
        awaitingRelease.clear();
        pendingQos2.clear();
    }

    public long expiryIntervalSeconds() {
        return expiryIntervalSeconds;
    }

    public void expiryIntervalSeconds(long seconds) {
        this.expiryIntervalSeconds = seconds;
    }

    /** The timer that ends a detached session; replaced (and the previous cancelled) by each call. */
    public void expiryTimer(ScheduledFuture<?> timer) {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
        }
        expiryTimer = timer;
    }

    /**
     * Holds a will whose delay runs (MQTT 5.0 section 3.1.3.2.2): published by the timer, or at once if the session
     * ends first, or never if the client comes back before. Owner only.
     */
    public void delayWill(PublishMessage will, ScheduledFuture<?> timer) {
        if (willTimer != null) {
            willTimer.cancel(false);
        }
        pendingWill = will;
        willTimer = timer;
    }

    /** Takes the delayed will, if any, cancelling its timer. Owner only. */
    public PublishMessage takePendingWill() {
        PublishMessage will = pendingWill;
        pendingWill = null;
        if (willTimer != null) {
            willTimer.cancel(false);
            willTimer = null;
        }
        return will;
    }

    private void cancelTimers() {
        expiryTimer(null);
        takePendingWill();
    }

    // ---- persistence (owner only) ----

    /** Where the session is kept while it is persistent (see {@link SessionStore}). */
    public void store(SessionStore newStore) {
        this.store = newStore;
    }

    /**
     * A connection is attached and the expiry is set: a persistent session is (again) kept by the store, with its
     * subscriptions; the messages it has are in memory now. A session that is no longer persistent is forgotten.
     */
    public void persistConnected() {
        if (expiryIntervalSeconds > 0) {
            store.connected(clientId, username, expiryIntervalSeconds, expiresAt(), List.copyOf(
                    subscriptions.values()));
            persisted = true;
            storedMessages = 0;
        } else {
            persistEnded();
        }
    }

    /** The connection is gone: a persistent session's whole state goes to the store, waiting messages included. */
    public void persistDisconnected() {
        if (expiryIntervalSeconds == 0) {
            return;
        }
        List<Delivery> waiting = new java.util.ArrayList<>();
        for (OutboundQueue.Inflight entry : outbound.inflight()) {
            if (storable(entry.delivery())) {
                waiting.add(entry.delivery());
            }
        }
        for (Delivery queued : outbound.queued()) {
            if (storable(queued)) {
                waiting.add(queued);
            }
        }
        store.disconnected(clientId, username, expiryIntervalSeconds, expiresAt(),
                List.copyOf(subscriptions.values()), waiting);
        persisted = true;
        storedMessages = waiting.size();
    }

    /** The session ended: the store forgets it. */
    public void persistEnded() {
        if (persisted) {
            store.ended(clientId);
            persisted = false;
        }
    }

    /** A subscription that lives as long as the session (not a connection-scoped one) was added or replaced. */
    public void persistSubscribed(Subscription subscription) {
        if (persisted) {
            store.subscribed(subscription);
        }
    }

    public void persistUnsubscribed(String filter) {
        if (persisted) {
            store.unsubscribed(clientId, filter);
        }
    }

    /** Takes back the state a store kept (at start, before any connection): its subscriptions are the caller's. */
    public void restore(StoredSession stored) {
        expiryIntervalSeconds = stored.expirySeconds();
        for (Subscription subscription : stored.subscriptions()) {
            subscriptions.put(subscription.filter(), subscription);
        }
        for (Delivery delivery : stored.queued()) {
            outbound.enqueue(delivery);
        }
        persisted = true;
        storedMessages = stored.queued().size();
    }

    /** Messages that are the broker's to keep: QoS 1 and 2 that no application tracks (it resends its own). */
    private static boolean storable(Delivery delivery) {
        return delivery.qos() > 0 && delivery.trackingId() == Delivery.UNTRACKED;
    }

    private long expiresAt() {
        return expiryIntervalSeconds >= NEVER_EXPIRES ? -1
                : System.currentTimeMillis() + expiryIntervalSeconds * 1000;
    }

    // ---- subscriptions (owner only) ----

    public Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    // ---- inbound QoS 2 (owner only) ----

    /** Records a QoS 2 PUBLISH; returns false if its packet id already awaits PUBREL (a duplicate, MQTT 4.3.3). */
    public boolean receiveQos2(int packetId) {
        return awaitingRelease.add(packetId);
    }

    /** Whether a QoS 2 packet id awaits PUBREL. */
    public boolean awaitsRelease(int packetId) {
        return awaitingRelease.contains(packetId);
    }

    /**
     * A QoS 2 PUBLISH handed to the application: until it took the message (then {@link #receiveQos2}) or refused
     * it ({@link #releaseQos2}), a resend of the same packet id is not answered (its PUBREC comes with the first).
     */
    public void pendingQos2(int packetId) {
        pendingQos2.add(packetId);
    }

    public boolean isPendingQos2(int packetId) {
        return pendingQos2.contains(packetId);
    }

    /** PUBREL: forgets the packet id; returns whether it was known. */
    public boolean releaseQos2(int packetId) {
        return awaitingRelease.remove(packetId);
    }

    public int awaitingReleaseCount() {
        return awaitingRelease.size();
    }

    // ---- outbound ----

    /**
     * Queues a delivery to this client and sends what the window allows. Thread-safe.
     *
     * <p>Every call from another thread is a task on the owner's event loop. An untracked QoS 0 delivery finding as
     * many such tasks waiting as the queue holds is dropped at once instead (counted): a flood of QoS 0 to many slow
     * subscribers then costs each of them bounded work, not an unbounded task queue (security review F4).
     */
    public void send(Delivery delivery) {
        if (delivery.qos() == 0 && delivery.trackingId() == Delivery.UNTRACKED
                && pendingSends.get() >= maxPendingSends) {
            droppedBeforeQueue.incrementAndGet();
            counters.dropped(DeliveryCounters.DropCause.BACKLOG);
            return;
        }
        pendingSends.incrementAndGet();
        execute(() -> {
            pendingSends.decrementAndGet();
            if (ended) {
                return;
            }
            if (channel == null && delivery.qos() == 0) {
                counters.dropped(DeliveryCounters.DropCause.OFFLINE);
                return; // QoS 0 is not kept for an offline client
            }
            boolean kept = true;
            for (Delivery dropped : outbound.enqueue(delivery)) {
                kept &= dropped != delivery;
                dropped(dropped);
            }
            if (channel == null && persisted && kept && storable(delivery)) {
                store.queued(clientId, ++storedMessages, delivery);
            }
            pump();
        });
    }

    private void dropped(Delivery delivery) {
        if (outbound.dropped() == 1) {
            LOG.log(Level.INFO, "Client {0}: its queue of {1} messages is full; dropping (QoS 0 first, then new ones)",
                    new Object[]{LogSafe.text(clientId), outbound.queuedCount()});
        }
        dropListener.run();
        tracked(delivery, Settled.DROPPED);
    }

    /**
     * Writes queued deliveries while the window has room and the connection is writable: a slow subscriber's
     * messages wait in its own queue, never in the publishers' (MQTT 5.0 section 4.9 flow control). Owner only.
     */
    public void pump() {
        if (channel == null) {
            return;
        }
        int window = limits.receiveMaximum();
        long now = System.nanoTime();
        boolean wrote = resendPending();
        Delivery next;
        while (channel.isWritable() && (next = outbound.pollSendable(window)) != null) {
            if (next.message().isExpired(now)) {
                counters.dropped(DeliveryCounters.DropCause.EXPIRED);
                continue;
            }
            if (next.qos() == 0) {
                if (write(next, 0, false, now)) {
                    wrote = true;
                    tracked(next);
                }
            } else {
                int packetId = outbound.assign(next);
                if (packetId < 0) {
                    for (Delivery dropped : outbound.enqueue(next)) {
                        dropped(dropped);
                    }
                    break;
                }
                wrote |= write(next, packetId, false, now);
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    /**
     * After a reconnect, resends the window with the original packet identifiers [MQTT-4.4.0-1]: PUBLISH with DUP for
     * unacknowledged messages, PUBREL for released ones; no more at once than the client's new Receive Maximum
     * allows, the rest as acknowledgements make room.
     */
    public void resendInflight() {
        outbound.markAllForResend();
        resendPending();
    }

    /** Resends marked window entries while fewer than Receive Maximum are outstanding. Owner only. */
    private boolean resendPending() {
        if (!outbound.hasPendingResends()) {
            return false;
        }
        long now = System.nanoTime();
        boolean wrote = false;
        for (OutboundQueue.Inflight entry : List.copyOf(outbound.inflight())) {
            if (outbound.outstanding() >= limits.receiveMaximum()) {
                break;
            }
            if (!entry.pendingResend()) {
                continue;
            }
            entry.resent();
            if (entry.state() == OutboundQueue.State.RELEASED) {
                channel.write(pubRel(entry.packetId()));
                wrote = true;
            } else {
                wrote |= write(entry.delivery(), entry.packetId(), true, now);
            }
        }
        return wrote;
    }

    /** PUBACK from the client. */
    public boolean onPubAck(int packetId) {
        OutboundQueue.Inflight done = outbound.complete(packetId, OutboundQueue.State.PUBLISHED);
        tracked(done == null ? null : done.delivery());
        pump();
        return done != null;
    }

    /**
     * Collects an acknowledged tracked delivery; the batch is reported shortly after, once per burst of acks, so an
     * application that records acknowledgements does one write per batch, not per message.
     */
    private void tracked(Delivery delivery) {
        tracked(delivery, Settled.ACKNOWLEDGED);
    }

    /** How a tracked delivery was settled. */
    private enum Settled { ACKNOWLEDGED, DROPPED, OVERSIZED }

    private void tracked(Delivery delivery, Settled how) {
        if (delivery == null || delivery.trackingId() == Delivery.UNTRACKED || reporter == null) {
            return;
        }
        if (how == Settled.DROPPED) {
            droppedTracked = append(droppedTracked, delivery.trackingId());
        } else if (how == Settled.OVERSIZED) {
            oversizedTracked = append(oversizedTracked, delivery.trackingId());
        } else {
            if (acknowledgedCount == acknowledged.length) {
                acknowledged = java.util.Arrays.copyOf(acknowledged, acknowledgedCount * 2);
            }
            acknowledged[acknowledgedCount++] = delivery.trackingId();
        }
        if (!reportScheduled) {
            reportScheduled = true;
            owner.schedule(this::report, REPORT_DELAY_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private static long[] append(long[] ids, long id) {
        long[] longer = java.util.Arrays.copyOf(ids, ids.length + 1);
        longer[ids.length] = id;
        return longer;
    }

    private void report() {
        execute(() -> {
            reportScheduled = false;
            if ((acknowledgedCount == 0 && droppedTracked.length == 0 && oversizedTracked.length == 0)
                    || reporter == null) {
                return;
            }
            long[] batch = java.util.Arrays.copyOf(acknowledged, acknowledgedCount);
            long[] dropped = droppedTracked;
            long[] oversized = oversizedTracked;
            acknowledgedCount = 0;
            droppedTracked = new long[0];
            oversizedTracked = new long[0];
            reporter.settled(this, batch, dropped, oversized);
        });
    }

    /**
     * PUBREC from the client: answer PUBREL (MQTT 5: with 0x92 for an unknown packet id), or, with an error reason,
     * drop the message.
     */
    public boolean onPubRec(int packetId, boolean success) {
        if (!success) {
            boolean known = outbound.abandon(packetId) != null;
            pump();
            return known;
        }
        boolean known = outbound.received(packetId);
        channel.writeAndFlush(known || !limits.isV5() ? pubRel(packetId) : pubRelNotFound(packetId));
        return known;
    }

    /** PUBCOMP from the client. */
    public boolean onPubComp(int packetId) {
        OutboundQueue.Inflight done = outbound.complete(packetId, OutboundQueue.State.RELEASED);
        tracked(done == null ? null : done.delivery());
        pump();
        return done != null;
    }

    public long droppedCount() {
        return outbound.dropped() + droppedBeforeQueue.get();
    }

    public int inflightCount() {
        return outbound.inflightCount();
    }

    public int queuedCount() {
        return outbound.queuedCount();
    }

    private boolean write(Delivery delivery, int packetId, boolean dup, long now) {
        String topic = delivery.message().topic();
        boolean v5 = limits.isV5();
        int alias = 0;
        String topicName = topic;
        boolean newAlias = false;
        if (v5 && limits.topicAliasMaximum() > 0) {
            Integer known = topicAliases.get(topic);
            if (known != null) {
                alias = known;
                topicName = "";
            } else if (topicAliases.size() < limits.topicAliasMaximum()) {
                alias = topicAliases.size() + 1;
                newAlias = true;
            }
        }
        MqttProperties properties = PublishPackets.properties(delivery, v5, alias, now);
        if (PublishPackets.encodedSize(delivery, topicName, v5, properties) > limits.maximumPacketSize()) {
            // MQTT 5.0 section 3.1.2.11.4: too large for the client: discarded as if delivered; an application that
            // tracks it hears so, and may send something smaller in its place
            if (packetId > 0) {
                outbound.abandon(packetId);
            }
            tracked(delivery, Settled.OVERSIZED);
            counters.dropped(DeliveryCounters.DropCause.TOO_LARGE);
            return false;
        }
        if (newAlias) {
            topicAliases.put(topic, alias);
        }
        channel.write(PublishPackets.publish(delivery, packetId, dup, topicName, properties));
        counters.sent(delivery.qos());
        return true;
    }

    private static MqttMessage pubRelNotFound(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) 0x92, MqttProperties.NO_PROPERTIES));
    }

    private static MqttMessage pubRel(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    @Override
    public String toString() {
        return "Session[" + clientId + "]";
    }
}
