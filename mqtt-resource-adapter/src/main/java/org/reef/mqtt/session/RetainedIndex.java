package org.reef.mqtt.session;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The retained messages as a trie with one node per topic level, so that a wildcard SUBSCRIBE visits only the
 * branches its filter reaches and stops after a limit, instead of scanning every retained message on the event loop
 * (security review F4). Matching follows MQTT 3.1.1 section 4.7: {@code +} one level, {@code #} the rest including
 * the parent level, and a filter whose first level is a wildcard skips topics starting with {@code $}
 * [MQTT-4.7.2-1].
 *
 * <p>Reads take no lock (concurrent maps and volatile fields); writes must be serialised by the caller.
 */
final class RetainedIndex {

    private static final class Node {
        final Node parent;
        final String level;
        final Map<String, Node> children = new ConcurrentHashMap<>();
        volatile PublishMessage message;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }

    private final Node root = new Node(null, "");

    /** Stores the message at its topic. Writers serialised by the caller. */
    void put(PublishMessage message) {
        Node node = root;
        for (String level : message.topic().split("/", -1)) {
            Node parent = node;
            node = node.children.computeIfAbsent(level, l -> new Node(parent, l));
        }
        node.message = message;
    }

    /** Removes the topic's message and the nodes left empty. Writers serialised by the caller. */
    void remove(String topic) {
        Node node = root;
        for (String level : topic.split("/", -1)) {
            node = node.children.get(level);
            if (node == null) {
                return;
            }
        }
        node.message = null;
        while (node != root && node.message == null && node.children.isEmpty()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    /** Adds the messages whose topic the (valid, non-shared) filter matches, stopping at {@code limit}. */
    void collect(String filter, int limit, List<PublishMessage> out) {
        collect(root, filter.split("/", -1), 0, limit, out);
    }

    private void collect(Node node, String[] levels, int i, int limit, List<PublishMessage> out) {
        if (out.size() >= limit) {
            return;
        }
        if (i == levels.length) {
            add(node, out);
            return;
        }
        String level = levels[i];
        if (level.equals("#")) {
            if (node != root) {
                add(node, out); // "x/#" matches "x" too
            }
            for (Node child : node.children.values()) {
                if (!(node == root && child.level.startsWith("$"))) {
                    everything(child, limit, out);
                }
            }
        } else if (level.equals("+")) {
            for (Node child : node.children.values()) {
                if (!(node == root && child.level.startsWith("$"))) {
                    collect(child, levels, i + 1, limit, out);
                }
            }
        } else {
            Node child = node.children.get(level);
            if (child != null) {
                collect(child, levels, i + 1, limit, out);
            }
        }
    }

    private void everything(Node node, int limit, List<PublishMessage> out) {
        if (out.size() >= limit) {
            return;
        }
        add(node, out);
        for (Node child : node.children.values()) {
            everything(child, limit, out);
        }
    }

    private static void add(Node node, List<PublishMessage> out) {
        PublishMessage message = node.message;
        if (message != null) {
            out.add(message);
        }
    }
}
