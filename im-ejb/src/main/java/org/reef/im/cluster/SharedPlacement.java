package org.reef.im.cluster;

import org.reef.mqtt.api.MqttSharedPlacement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Places each message for a shared subscription ({@code $share/g/f}) on one node of the cluster that has members of
 * the group, so that the group gets it once cluster-wide (MQTT 5.0 section 4.8.2) and the nodes take turns. Every node
 * decides alike: the candidates are this node and the other current members that reported members of the group
 * ({@link ClusterEvent.SharedGroups}), in name order, and the message's key (the same on every node) picks one. Within
 * a node, the broker's own round robin picks the member.
 *
 * <p>The reports are at most about a second old: for that long after a node's last member of a group left, a message
 * placed on it reaches nobody of the group; after a node's first member joined, a message may reach the group twice.
 */
final class SharedPlacement implements MqttSharedPlacement {

    private final String self;
    private final Supplier<Collection<String>> members;
    private final Map<String, Set<String>> groupsByNode = new ConcurrentHashMap<>();

    /**
     * @param self    this node's name
     * @param members the names of the nodes in the current view
     */
    SharedPlacement(String self, Supplier<Collection<String>> members) {
        this.self = self;
        this.members = members;
    }

    /** A node reported the shared subscriptions it has members of (all of them: it replaces its last report). */
    void reported(String node, List<String> filters) {
        if (!node.equals(self)) {
            groupsByNode.put(node, Set.copyOf(filters));
        }
    }

    @Override
    public boolean deliverHere(String sharedFilter, long messageKey) {
        List<String> candidates = new ArrayList<>();
        candidates.add(self);
        for (String node : members.get()) {
            Set<String> groups = groupsByNode.get(node);
            if (!node.equals(self) && groups != null && groups.contains(sharedFilter)) {
                candidates.add(node);
            }
        }
        if (candidates.size() == 1) {
            return true;
        }
        candidates.sort(null);
        return candidates.get((int) Math.floorMod(messageKey, (long) candidates.size())).equals(self);
    }
}
