package org.reef.mqtt.broker;

import org.reef.mqtt.inflow.ConnectionEvents;
import org.reef.mqtt.inflow.InflowRegistry;
import org.reef.mqtt.topic.Topics;

import java.util.List;

/**
 * Namespaces reserved for the application, e.g. {@code im/#} (security review F12). Until an inflow endpoint whose
 * filter covers a reserved namespace and a connection listener guarding it are both active (at start, during a
 * redeploy, between the activations of two MDBs), nobody may publish, retain or will into it, nor subscribe to a
 * filter reaching into it: the broker would otherwise route it as plain MQTT, unchecked.
 */
public final class ReservedTopics {

    private final List<String> namespaces;
    private final InflowRegistry inflow;
    private final ConnectionEvents guards;

    public ReservedTopics(List<String> namespaces, InflowRegistry inflow, ConnectionEvents guards) {
        this.namespaces = List.copyOf(namespaces);
        this.inflow = inflow;
        this.guards = guards;
    }

    /**
     * Whether a PUBLISH (or will) to this topic name must be refused now: in a namespace not open yet, or a topic
     * starting with {@code $}, which belongs to the server (MQTT 5.0 section 4.7.2: the server's own topics such as
     * {@code $SYS/}, which clients must not be able to write).
     */
    public boolean refusesTopic(String topic) {
        if (isServerTopic(topic)) {
            return true;
        }
        for (String namespace : namespaces) {
            if (Topics.matches(namespace, topic) && !open(namespace)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a subscription to this filter must be refused now. */
    public boolean refusesFilter(String filter) {
        for (String namespace : namespaces) {
            if (Topics.overlaps(namespace, filter) && !open(namespace)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a topic name starts with {@code $}: the server's, never a client's to publish to. */
    public static boolean isServerTopic(String topic) {
        return !topic.isEmpty() && topic.charAt(0) == '$';
    }

    /** Whether every reserved namespace is open: its inflow endpoint and its guard are active. */
    public boolean allOpen() {
        for (String namespace : namespaces) {
            if (!open(namespace)) {
                return false;
            }
        }
        return true;
    }

    private boolean open(String namespace) {
        return inflow.covers(namespace) && guards.covers(namespace);
    }

    /**
     * Whether every topic that {@code inner} matches is matched by {@code outer} (both valid, non-shared filters).
     */
    public static boolean covers(String outer, String inner) {
        String[] o = outer.split("/", -1);
        String[] i = inner.split("/", -1);
        boolean outerRootWild = o[0].equals("+") || o[0].equals("#");
        boolean innerRootDollar = !i[0].equals("+") && !i[0].equals("#") && i[0].startsWith("$");
        if (outerRootWild && innerRootDollar) {
            return false; // MQTT-4.7.2-1
        }
        for (int k = 0; ; k++) {
            if (k < o.length && o[k].equals("#")) {
                return true;
            }
            if (k >= o.length || k >= i.length) {
                // "x/#" inner matches "x" too, which outer "x" covers only if it also covers below: not here.
                return k >= o.length && k >= i.length;
            }
            if (i[k].equals("#")) {
                return false;
            }
            if (o[k].equals("+")) {
                continue;
            }
            if (i[k].equals("+") || !o[k].equals(i[k])) {
                return false;
            }
        }
    }
}
