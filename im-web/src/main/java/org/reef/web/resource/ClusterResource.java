package org.reef.web.resource;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.reef.im.cluster.ClusterMembership;
import org.reef.im.cluster.ClusterView;
import org.reef.web.dto.ClusterStatus;

/**
 * {@code GET /api/v1/cluster}: which node answered and which nodes it sees in its cluster (docs/cluster.md). Public and
 * read-only, like {@code /api/v1/health}, so that an operator or a load balancer's check can tell the nodes apart.
 */
@Path("/cluster")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    @EJB
    private ClusterMembership membership;

    @GET
    public ClusterStatus get() {
        ClusterView view = membership.view();
        return new ClusterStatus(view.node(), view.clustered(), view.members());
    }
}
