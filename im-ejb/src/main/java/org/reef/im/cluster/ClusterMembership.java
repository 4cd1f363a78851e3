package org.reef.im.cluster;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.reef.im.domain.DeviceSession;
import org.reef.im.presence.DeviceService;
import org.wildfly.clustering.server.Group;
import org.wildfly.clustering.server.GroupMember;
import org.wildfly.clustering.server.GroupMembership;
import org.wildfly.clustering.server.GroupMembershipEvent;
import org.wildfly.clustering.server.GroupMembershipListener;
import org.wildfly.clustering.server.GroupMembershipMergeEvent;
import org.wildfly.clustering.server.Registration;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bridge to WildFly's group membership: the one class that calls its clustering API, so that the rest of Reef sees
 * only {@link ClusterView}. WildFly binds the default group at {@value #GROUP}: on {@code reef-ha.xml} the JGroups
 * channel {@code ee} (nodes found through the shared database, docs/cluster.md), on {@code reef.xml} a local group of
 * this node alone, so single-node servers run the same code. Starting with the deployment makes the channel join at
 * once, and every view change is logged at INFO.
 *
 * <p>Devices go with the node they were connected to: when a node leaves the view (stopped, killed, cut off), the
 * coordinator of the new view forgets the devices recorded on it, so that their users' presence is right again
 * within the failure detection time; and a node that starts forgets what it recorded before its own start (it died
 * without telling anyone, or nobody was left to notice).
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ClusterMembership {

    static final String GROUP = "java:jboss/clustering/server/group/default";
    private static final Logger LOG = Logger.getLogger(ClusterMembership.class.getName());

    @Resource(lookup = GROUP)
    private Group<GroupMember> group;

    @EJB
    private DeviceService devices;

    @Resource
    private ManagedExecutorService executor;

    private Registration registration = Registration.EMPTY;

    public ClusterMembership() {
    }

    /** For tests: a bean on the given group. */
    ClusterMembership(Group<GroupMember> group) {
        this.group = group;
    }

    @PostConstruct
    void listen() {
        LOG.info(() -> "Cluster view of " + group.getLocalMember().getName() + (group.isSingleton()
                ? " (not clustered)" : " in group " + group.getName()) + ": " + names(group.getMembership()));
        String configured = System.getenv("REEF_NODE_ID");
        String name = group.getLocalMember().getName();
        if (configured != null && !configured.isBlank() && !configured.trim().equals(name)) {
            LOG.warning(() -> "REEF_NODE_ID is " + configured.trim() + " but the server runs as node " + name
                    + ": start it with -Djboss.node.name=" + configured.trim() + " (docs/cluster.md)");
        }
        if (!group.isSingleton()) {
            registration = group.register(new ViewLog());
        }
        if (devices != null) {
            Instant started = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
            int forgotten = devices.forgetNodes(List.of(DeviceSession.THIS_NODE), started);
            if (forgotten > 0) {
                LOG.info(() -> "Forgot " + forgotten + " devices this node (" + DeviceSession.THIS_NODE
                        + ") recorded before it started");
            }
        }
    }

    /** Nodes left the view: the coordinator (first member) of the new view forgets their devices. */
    private void nodesLeft(List<String> left, List<String> current) {
        if (devices == null || left.isEmpty() || current.isEmpty()
                || !current.get(0).equals(group.getLocalMember().getName())) {
            return;
        }
        Instant now = Instant.now();
        executor.execute(() -> {
            try {
                int forgotten = devices.forgetNodes(left, now);
                LOG.info(() -> "Nodes " + left + " left: forgot their " + forgotten + " devices");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not forget the devices of nodes " + left, e);
            }
        });
    }

    @PreDestroy
    void stopListening() {
        registration.close();
    }

    /** This node's current view; cheap, answers from the membership WildFly keeps. */
    public ClusterView view() {
        return new ClusterView(group.getLocalMember().getName(), !group.isSingleton(), names(group.getMembership()));
    }

    private static List<String> names(GroupMembership<? extends GroupMember> membership) {
        return membership.getMembers().stream().map(GroupMember::getName).toList();
    }

    /**
     * Logs joins, leaves (a node stopped or was found dead), splits and merges, with the new view; has the devices
     * of nodes that left forgotten.
     */
    private final class ViewLog implements GroupMembershipListener<GroupMember> {

        @Override
        public void updated(GroupMembershipEvent<GroupMember> event) {
            List<String> left = event.getLeavers().stream().map(GroupMember::getName).toList();
            LOG.info(() -> "Cluster view changed: " + names(event.getCurrentMembership()) + " (joined "
                    + event.getJoiners().stream().map(GroupMember::getName).toList() + ", left " + left + ")");
            nodesLeft(left, names(event.getCurrentMembership()));
        }

        @Override
        public void split(GroupMembershipEvent<GroupMember> event) {
            LOG.warning(() -> "Cluster split: this node now sees " + names(event.getCurrentMembership())
                    + ", before " + names(event.getPreviousMembership()));
            List<String> current = names(event.getCurrentMembership());
            nodesLeft(names(event.getPreviousMembership()).stream().filter(n -> !current.contains(n)).toList(),
                    current);
        }

        @Override
        public void merged(GroupMembershipMergeEvent<GroupMember> event) {
            LOG.info(() -> "Cluster partitions merged: " + names(event.getCurrentMembership()));
        }
    }
}
