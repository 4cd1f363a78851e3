package org.reef.im.cluster;

import java.util.List;

/**
 * The cluster as one node sees it: the node's own name ({@code REEF_NODE_ID}, WildFly's {@code jboss.node.name}) and
 * the members of its current view, in view order (the first is the coordinator). A node that is not clustered is
 * the only member of its view.
 *
 * @param node      this node's name
 * @param clustered whether the node runs the cluster configuration (JGroups); false: a single node
 * @param members   names of the nodes in the current view, this one included
 */
public record ClusterView(String node, boolean clustered, List<String> members) {

    public ClusterView {
        members = List.copyOf(members);
    }
}
