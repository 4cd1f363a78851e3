package org.reef.im.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every node places a shared group's message alike, on exactly one node that has members, taking turns. */
class SharedPlacementTest {

    private static final String GROUP = "$share/workers/jobs/#";

    @Test
    void eachMessageLandsOnExactlyOneNodeWithMembersAndTheNodesShareTheLoad() {
        List<String> view = new ArrayList<>(List.of("reef-1", "reef-2", "reef-3"));
        SharedPlacement one = new SharedPlacement("reef-1", () -> view);
        SharedPlacement two = new SharedPlacement("reef-2", () -> view);
        SharedPlacement three = new SharedPlacement("reef-3", () -> view);
        // reef-1 and reef-2 have members of the group, reef-3 has none (so the broker never asks it)
        for (SharedPlacement node : List.of(one, two, three)) {
            node.reported("reef-1", List.of(GROUP));
            node.reported("reef-2", List.of(GROUP, "$share/other/x"));
            node.reported("reef-3", List.of());
        }
        int onOne = 0;
        for (long key = -500; key < 500; key++) {
            boolean first = one.deliverHere(GROUP, key);
            boolean second = two.deliverHere(GROUP, key);
            assertTrue(first ^ second, "exactly one node delivers message " + key);
            if (first) {
                onOne++;
            }
        }
        assertEquals(500, onOne, "the nodes take turns");

        view.remove("reef-2"); // reef-2 left the view: its report no longer counts
        assertTrue(one.deliverHere(GROUP, 1) && one.deliverHere(GROUP, 2));
    }

    @Test
    void aGroupNoOtherNodeHasIsDeliveredHereAndOwnReportsAreIgnored() {
        SharedPlacement node = new SharedPlacement("reef-1", () -> List.of("reef-1", "reef-2"));
        node.reported("reef-1", List.of()); // its own report (never sent to itself) changes nothing
        node.reported("reef-2", List.of("$share/g/other"));
        for (long key = 0; key < 10; key++) {
            assertTrue(node.deliverHere(GROUP, key));
        }
    }
}
