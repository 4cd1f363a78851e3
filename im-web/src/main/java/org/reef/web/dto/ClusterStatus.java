package org.reef.web.dto;

import java.util.List;

/**
 * The answer of {@code GET /api/v1/cluster}: this node's name, whether it runs clustered, and the nodes of its current
 * cluster view (the first is the coordinator; a node that is not clustered lists only itself).
 */
public record ClusterStatus(String node, boolean clustered, List<String> members) {
}
