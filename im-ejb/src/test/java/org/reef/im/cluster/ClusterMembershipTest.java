package org.reef.im.cluster;

import org.junit.jupiter.api.Test;
import org.wildfly.clustering.server.Group;
import org.wildfly.clustering.server.GroupMember;
import org.wildfly.clustering.server.GroupMembership;
import org.wildfly.clustering.server.GroupMembershipListener;
import org.wildfly.clustering.server.Registration;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge turns WildFly's group into a plain view, and listens only where there is a cluster to listen to. */
class ClusterMembershipTest {

    @Test
    void aClusteredNodeReportsItsNameAndTheMembersInViewOrder() {
        FakeGroup group = new FakeGroup("reef-2", false, "reef-1", "reef-2");
        ClusterMembership membership = new ClusterMembership(group);
        membership.listen();
        assertEquals(new ClusterView("reef-2", true, List.of("reef-1", "reef-2")), membership.view());
        assertEquals(1, group.listeners.size(), "view changes are logged");
        membership.stopListening();
        assertTrue(group.listeners.isEmpty());
    }

    @Test
    void aSingleNodeIsTheOnlyMemberAndRegistersNothing() {
        FakeGroup group = new FakeGroup("reef-1", true, "reef-1");
        ClusterMembership membership = new ClusterMembership(group);
        membership.listen();
        ClusterView view = membership.view();
        assertFalse(view.clustered());
        assertEquals(List.of("reef-1"), view.members());
        assertTrue(group.listeners.isEmpty());
        membership.stopListening();
    }

    private record Member(String getName) implements GroupMember {
    }

    private static final class FakeGroup implements Group<GroupMember> {
        final List<GroupMembershipListener<GroupMember>> listeners = new ArrayList<>();
        private final GroupMember local;
        private final boolean singleton;
        private final List<GroupMember> members;

        FakeGroup(String local, boolean singleton, String... members) {
            this.local = new Member(local);
            this.singleton = singleton;
            this.members = java.util.Arrays.stream(members).map(name -> (GroupMember) new Member(name)).toList();
        }

        @Override
        public Registration register(GroupMembershipListener<GroupMember> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public String getName() {
            return "ejb";
        }

        @Override
        public GroupMember getLocalMember() {
            return local;
        }

        @Override
        public GroupMembership<GroupMember> getMembership() {
            return new GroupMembership<>() {
                @Override
                public GroupMember getCoordinator() {
                    return members.get(0);
                }

                @Override
                public List<GroupMember> getMembers() {
                    return members;
                }
            };
        }

        @Override
        public boolean isSingleton() {
            return singleton;
        }
    }
}
