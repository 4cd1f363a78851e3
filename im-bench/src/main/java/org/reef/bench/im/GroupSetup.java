package org.reef.bench.im;

import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The group of a run, found or created by its first member. An earlier run's group of the same name whose members
 * are all the run's users is reused (and completed, if that run stopped half-way): every change of a group is a
 * system message delivered to every member's devices, so a new group of 500 per run would first send each new device
 * hundreds of them. Otherwise the owner creates the group with the first batch of the others and adds the rest in
 * batches, so that a server which bounds the members of one request still takes a group of hundreds.
 */
public final class GroupSetup {

    /** Members per request, the owner included in the first one: Reef's default REEF_GROUP_MAX_ADD. */
    public static final int BATCH = 50;

    private GroupSetup() {
    }

    /**
     * A group ready for a run.
     *
     * @param reused whether an earlier run's group was found
     */
    public record Ready(ImApi.Group group, boolean reused) {
    }

    /**
     * @param members every member, the owner (whose token lists, creates and fills the group) first
     * @return the group; its member list is the server's last word on it, or null if it never said
     */
    public static Ready prepare(ImApi api, String ownerToken, String name, List<String> members, Deadline deadline,
                                Progress progress) throws BenchException, InterruptedException {
        ImApi.Group earlier = find(api.groups(ownerToken), name, members);
        List<String> others = members.subList(1, members.size());
        ImApi.Group group;
        List<String> missing;
        if (earlier != null) {
            group = earlier;
            Set<String> in = new HashSet<>(earlier.members());
            missing = others.stream().filter(user -> !in.contains(user)).toList();
            progress.say("setup: reusing group %s of an earlier run%s", group.conversation(),
                    missing.isEmpty() ? "" : ", adding " + missing.size() + " missing members");
        } else {
            int first = Math.min(others.size(), BATCH - 1);
            group = api.createGroup(ownerToken, name, others.subList(0, first));
            missing = others.subList(first, others.size());
        }
        List<String> now = group.members();
        for (int from = 0; from < missing.size(); from += BATCH) {
            if (deadline.expired()) {
                throw new BenchException("group " + group.id() + ": " + from + " of " + missing.size()
                        + " members still to add at the setup bound");
            }
            now = api.addMembers(ownerToken, group.id(), missing.subList(from, Math.min(missing.size(), from + BATCH)));
        }
        if (now != null && !new HashSet<>(now).containsAll(members)) {
            List<String> absent = new ArrayList<>(members);
            absent.removeAll(new HashSet<>(now));
            progress.say("warning: by the server's answer, group %s lacks %d of the %d members (e.g. %s)",
                    group.id(), absent.size(), members.size(), absent.get(0));
        }
        return new Ready(new ImApi.Group(group.id(), group.conversation(), group.name(), now), earlier != null);
    }

    /** The first group named {@code name} whose listed members are all among {@code members}, or null. */
    private static ImApi.Group find(List<ImApi.Group> groups, String name, List<String> members) {
        if (groups == null) {
            return null;
        }
        Set<String> wanted = new HashSet<>(members);
        for (ImApi.Group group : groups) {
            if (name.equals(group.name()) && group.members() != null && wanted.containsAll(group.members())) {
                return group;
            }
        }
        return null;
    }
}
