package org.reef.mqtt.protocol;

import org.reef.mqtt.broker.MqttBroker;
import org.reef.mqtt.session.Session;

/**
 * The broker's side of a client id moving between cluster nodes: the application tells this node that the client
 * connected elsewhere, and this node lets go of it (see {@link SessionLifecycle#takenOverElsewhere}).
 */
public final class ClusterTakeover {

    private ClusterTakeover() {
    }

    /**
     * @return whether this node had a session of the client id (it is being let go of)
     */
    public static boolean takenOverElsewhere(MqttBroker broker, String clientId, long connectedAtMillis) {
        Session session = broker.sessions().get(clientId);
        if (session == null) {
            return false;
        }
        new SessionLifecycle(broker).takenOverElsewhere(session, connectedAtMillis);
        return true;
    }
}
