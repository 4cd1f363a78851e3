package org.reef.mqtt.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.logging.LogSafe;
import org.reef.mqtt.session.PublishMessage;
import org.reef.mqtt.session.Session;
import org.reef.mqtt.session.StoredSession;
import org.reef.mqtt.session.Subscription;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens, takes over, resumes, detaches and ends sessions, and publishes wills (MQTT 3.1.1 sections 3.1.2.4,
 * 3.1.2.5 and 3.1.4; MQTT 5.0 sections 3.1.2.11.2 and 3.1.3.2.2). Every change to a session runs on its owner.
 */
final class SessionLifecycle {

    private static final Logger LOG = Logger.getLogger(SessionLifecycle.class.getName());

    /** The connection state of a channel, so that a takeover can reach the old connection's will. */
    static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf("reef.mqtt.connection");

    /** Session Expiry Interval meaning "never" (MQTT 5.0 section 3.1.2.11.2). */
    static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

    private static final int MAX_ATTEMPTS = 5;

    private final MqttBroker broker;

    SessionLifecycle(MqttBroker broker) {
        this.broker = broker;
    }

    /**
     * Finds or creates the client's session and moves it to this connection's event loop, taking it away from an
     * older connection if there is one. Calls {@code ready} on this connection's event loop with the session and
     * whether it was resumed (session present), or {@code refused} if the client id's session belongs to another
     * user (a user may not take over, or read, another user's session).
     */
    void open(ChannelHandlerContext ctx, String clientId, String username, boolean cleanStart,
              BiConsumer<Session, Boolean> ready, Runnable refused) {
        open(ctx, clientId, username, cleanStart, ready, refused, 1);
    }

    private void open(ChannelHandlerContext ctx, String clientId, String username, boolean cleanStart,
                      BiConsumer<Session, Boolean> ready, Runnable refused, int attempt) {
        Session created = new Session(clientId, username, ctx.channel().eventLoop(), broker.queueLimits());
        created.store(broker.sessionStore());
        Session existing = broker.sessions().putIfAbsent(created);
        if (existing == null) {
            ready.accept(created, false);
            return;
        }
        existing.execute(() -> {
            if (existing.isEnded()) {
                if (attempt >= MAX_ATTEMPTS) {
                    ctx.close();
                    return;
                }
                ctx.executor().execute(() -> open(ctx, clientId, username, cleanStart, ready, refused, attempt + 1));
                return;
            }
            if (!java.util.Objects.equals(existing.username(), username)) {
                ctx.executor().execute(refused);
                return;
            }
            Channel old = existing.channel();
            if (old != null) {
                takeOver(existing, old);
            }
            if (cleanStart) {
                broker.router().unsubscribeAll(clientId);
                existing.clear();
            }
            existing.takePendingWill(); // the client is back before its will's delay ended
            existing.moveTo(ctx.channel().eventLoop());
            ctx.executor().execute(() -> ready.accept(existing, !cleanStart));
        });
    }

    /** MQTT 3.1.1 section 3.1.4: the server disconnects the existing client with the same id [MQTT-3.1.4-2]. */
    private void takeOver(Session session, Channel old) {
        session.detach(old);
        Connection oldConnection = old.attr(CONNECTION).get();
        // The old connection may still read until it is closed: it must not touch the session any more.
        old.config().setAutoRead(false);
        if (oldConnection != null) {
            oldConnection.takenOver = true;
            // Runs on the session's owner, which is the old connection's event loop: its state is safe to read.
            unsubscribeConnectionScoped(session, oldConnection);
            WillMessage will = oldConnection.will.getAndSet(null);
            if (will != null && will.delaySeconds() == 0) {
                publishWill(will.message());
            }
        }
        LOG.log(Level.FINE, "Client {0} taken over by a new connection", LogSafe.text(session.clientId()));
        if (oldConnection != null && oldConnection.isV5()) {
            old.writeAndFlush(MqttReplies.disconnect(ReasonCodes.SESSION_TAKEN_OVER, "another connection took over"))
                    .addListener(f -> old.close());
        } else {
            old.close();
        }
    }

    /**
     * The client id connected on another node of the cluster at {@code connectedAtMillis}: as one broker would, this
     * node closes its older connection of that client id (MQTT 5: DISCONNECT 0x8E, Session taken over) and forgets
     * its session here, so that nothing queues for it on this node any more. The session's row in the store is left
     * alone: it is the other node's now. A connection opened here after that moment is the newer one and stays.
     */
    void takenOverElsewhere(Session session, long connectedAtMillis) {
        session.execute(() -> {
            if (session.isEnded()) {
                return;
            }
            Channel channel = session.channel();
            if (channel != null) {
                Connection connection = channel.attr(CONNECTION).get();
                if (connection != null && connection.openedAtMillis > connectedAtMillis) {
                    return; // the client came back here since
                }
                takeOver(session, channel);
            }
            PublishMessage will = session.takePendingWill();
            broker.router().unsubscribeAll(session.clientId());
            session.end();
            broker.sessions().remove(session);
            broker.sessionQuota().release(session.username(), session.clientId());
            if (will != null) {
                publishWill(will);
            }
            LOG.log(Level.FINE, "Session of client {0} moved to another node", LogSafe.text(session.clientId()));
        });
    }

    /**
     * The connection closed: detaches it from its session (unless a takeover did already), publishes or delays its
     * will unless it disconnected normally, and ends the session now or when it expires.
     */
    void closed(Channel channel, Connection connection) {
        Session session = connection.session;
        session.execute(() -> {
            if (!session.detach(channel)) {
                return;
            }
            unsubscribeConnectionScoped(session, connection);
            WillMessage will = connection.will.getAndSet(null);
            if (will != null && !connection.disconnectedNormally) {
                if (will.delaySeconds() == 0 || session.expiryIntervalSeconds() == 0) {
                    publishWill(will.message());
                } else {
                    long delay = Math.min(will.delaySeconds(), session.expiryIntervalSeconds());
                    session.delayWill(will.message(), session.owner().schedule(() -> {
                        PublishMessage due = session.takePendingWill();
                        if (due != null) {
                            publishWill(due);
                        }
                    }, delay, TimeUnit.SECONDS));
                }
            }
            long expiry = session.expiryIntervalSeconds();
            if (expiry == 0) {
                end(session);
            } else {
                session.persistDisconnected();
                expireAfter(session, expiry, TimeUnit.SECONDS);
            }
        });
    }

    /** Ends a detached session after the delay unless a client resumed it meanwhile. Owner only. */
    private void expireAfter(Session session, long delay, TimeUnit unit) {
        if (unit.toSeconds(delay) >= NEVER_EXPIRES) {
            return;
        }
        session.expiryTimer(session.owner().schedule(() -> {
            if (!session.isConnected() && !session.isEnded()) {
                end(session);
            }
        }, delay, unit));
    }

    /**
     * Brings back a session a {@link org.reef.mqtt.session.SessionStore} kept, before any client connects: its
     * subscriptions route again, its messages wait, and it expires when it would have. Returns it, or null if a
     * session of that client id exists already.
     */
    Session restore(StoredSession stored, EventExecutor owner) {
        Session session = new Session(stored.clientId(), stored.username(), owner, broker.queueLimits());
        session.store(broker.sessionStore());
        session.restore(stored);
        if (broker.sessions().putIfAbsent(session) != null) {
            return null;
        }
        for (Subscription subscription : stored.subscriptions()) {
            broker.router().subscribe(subscription);
        }
        if (stored.expiresAtMillis() >= 0) {
            long left = Math.max(0, stored.expiresAtMillis() - System.currentTimeMillis());
            session.execute(() -> expireAfter(session, left, TimeUnit.MILLISECONDS));
        }
        return session;
    }

    /**
     * Removes the subscriptions a connection made for itself only, as an UNSUBSCRIBE would, so that a persistent
     * session neither keeps nor restores them and their subscriber-limit places are free again. Owner only, while
     * the connection is (or just stopped being) the session's.
     */
    private void unsubscribeConnectionScoped(Session session, Connection connection) {
        for (String filter : connection.connectionScoped) {
            broker.router().unsubscribe(session.clientId(), filter);
            session.subscriptions().remove(filter);
        }
        connection.connectionScoped.clear();
    }

    /** Ends a session: its subscriptions and queued messages go, and a will still delayed is published. Owner only. */
    void end(Session session) {
        PublishMessage will = session.takePendingWill();
        broker.router().unsubscribeAll(session.clientId());
        session.persistEnded();
        session.end();
        broker.sessions().remove(session);
        broker.sessionQuota().release(session.username(), session.clientId());
        if (will != null) {
            publishWill(will);
        }
        LOG.log(Level.FINE, "Session of client {0} ended", LogSafe.text(session.clientId()));
    }

    /** Publishes a will like any message: retained if asked, then routed. */
    void publishWill(PublishMessage will) {
        if (will.retain()) {
            broker.retained().retain(will);
        }
        broker.routeAndRelay(will);
    }
}
