package org.reef.mqtt.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Round-robin selection within a shared subscription group (MQTT 5.0 section 4.8.2). */
class SharedGroupTest {

    @Test
    void emptyGroupPicksNothing() {
        SharedGroup<String> group = new SharedGroup<>("g", "a/#");
        assertNull(group.pick());
        assertTrue(group.rotation().isEmpty());
    }

    @Test
    void rotationStartsWhereRoundRobinIsAndListsEveryMemberOnce() {
        SharedGroup<String> group = groupOf(0, "m1", "m2", "m3");
        assertEquals(List.of("m1", "m2", "m3"), ids(group.rotation()));
        assertEquals(List.of("m2", "m3", "m1"), ids(group.rotation()));
        assertEquals("m3", group.pick().subscriberId());
        assertEquals(List.of("m1", "m2", "m3"), ids(group.rotation()));
        assertThrows(IndexOutOfBoundsException.class, () -> group.rotation().get(3));
    }

    /** A caller skips an offline member and delivers to the next one, so the group still gets the message. */
    @Test
    void callerSkipsOfflineMembers() {
        SharedGroup<String> group = groupOf(0, "m1", "m2", "m3");
        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            for (SharedGroup.Member<String> member : group.rotation()) {
                if (!member.subscriberId().equals("m2")) {
                    delivered.add(member.subscriberId());
                    break;
                }
            }
        }
        assertEquals(List.of("m1", "m3", "m3", "m1", "m3", "m3"), delivered);
    }

    @Test
    void cursorOverflowKeepsCycling() {
        SharedGroup<String> group = groupOf(Integer.MAX_VALUE - 1, "m1", "m2", "m3");
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(group.pick().subscriberId());
        }
        assertEquals(3, picked.stream().distinct().count(), picked::toString);
    }

    @Test
    void replacingKeepsTheTurnAndRemovingShrinks() {
        SharedGroup<String> group = groupOf(0, "m1", "m2", "m3");
        assertEquals("v-m2", group.put("m2", "new"));
        assertEquals(List.of("m1", "m2", "m3"), ids(group.members()));
        assertEquals("new", group.members().get(1).value());
        assertEquals("v-m1", group.remove("m1"));
        assertNull(group.remove("m1"));
        assertEquals(List.of("m2", "m3"), ids(group.members()));
        assertThrows(UnsupportedOperationException.class, () -> group.members().clear());
    }

    private static SharedGroup<String> groupOf(int cursor, String... ids) {
        SharedGroup<String> group = new SharedGroup<>("g", "a/#", cursor);
        for (String id : ids) {
            group.put(id, "v-" + id);
        }
        return group;
    }

    private static List<String> ids(List<SharedGroup.Member<String>> members) {
        List<String> ids = new ArrayList<>();
        members.forEach(member -> ids.add(member.subscriberId()));
        return ids;
    }
}
