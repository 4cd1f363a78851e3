package org.reef.mqtt.protocol;

import io.netty.util.concurrent.EventExecutor;
import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.session.StoredSession;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings back the persistent sessions a {@link org.reef.mqtt.session.SessionStore} kept, once at start, before the
 * listeners accept anybody: a client that reconnects without subscribing again (as persistent-session clients do)
 * finds its subscriptions and the QoS 1/2 messages that arrived while it was away (MQTT 3.1.1 section 3.1.2.4).
 */
public final class SessionRestore {

    private static final Logger LOG = Logger.getLogger(SessionRestore.class.getName());

    private SessionRestore() {
    }

    /**
     * @param owner the executor the restored sessions live on until their clients come back (each then moves to its
     *              connection's event loop)
     * @return how many sessions were restored
     */
    public static int restore(MqttBroker broker, List<StoredSession> stored, EventExecutor owner) {
        SessionLifecycle lifecycle = new SessionLifecycle(broker);
        int restored = 0;
        int messages = 0;
        for (StoredSession session : stored) {
            if (lifecycle.restore(session, owner) != null) {
                restored++;
                messages += session.queued().size();
            }
        }
        LOG.log(Level.INFO, "Restored {0} persistent MQTT sessions with {1} queued messages",
                new Object[]{restored, messages});
        return restored;
    }
}
