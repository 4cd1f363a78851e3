package org.reef.im.cluster;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterEventCodecTest {

    @Test
    void everyKindSurvivesTheRoundTripInOrder() throws IOException {
        Map<String, Long> positions = new LinkedHashMap<>();
        positions.put("alice", 7L);
        positions.put("bøb", Long.MAX_VALUE);
        byte[] event = "{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8);
        List<ClusterEvent> sent = List.of(
                new ClusterEvent.InboxEntry(positions, event, "alice-laptop"),
                new ClusterEvent.InboxEntry(Map.of("carol", 1L), new byte[0], null),
                new ClusterEvent.Publish("im/rooms/lobby", new byte[]{0, 1, 2}, 1, false, null),
                new ClusterEvent.Publish("im/presence/alice", new byte[]{3}, 1, true, "x"),
                new ClusterEvent.Disconnect("alice-phone", "alice"),
                new ClusterEvent.Disconnect("anon", null),
                new ClusterEvent.TakenOver("dev-1", 1_700_000_000_123L),
                new ClusterEvent.Relayed(new byte[]{9, 8, 7}),
                new ClusterEvent.RateSpent("alice", 3),
                new ClusterEvent.SharedGroups("reef-2", List.of("$share/g/a/#", "$share/h/b")),
                new ClusterEvent.RetainedWanted("reef-3"),
                new ClusterEvent.RetainedCopy("reef-3", List.of(new byte[]{1}, new byte[]{2, 3})),
                new ClusterEvent.Invalidated(ClusterEvent.Invalidated.BLOCKS, "bøb"));

        List<ClusterEvent> received = ClusterEventCodec.decode(ClusterEventCodec.encode(sent));

        assertEquals(sent.size(), received.size());
        ClusterEvent.InboxEntry entry = (ClusterEvent.InboxEntry) received.get(0);
        assertEquals(positions, entry.positions());
        assertEquals(List.of("alice", "bøb"), List.copyOf(entry.positions().keySet()), "user order kept");
        assertArrayEquals(event, entry.event());
        assertEquals("alice-laptop", entry.exceptClientId());
        assertNull(((ClusterEvent.InboxEntry) received.get(1)).exceptClientId());
        ClusterEvent.Publish retained = (ClusterEvent.Publish) received.get(3);
        assertEquals("im/presence/alice", retained.topic());
        assertTrue(retained.retain());
        assertEquals(1, retained.qos());
        assertEquals("x", retained.exceptClientId());
        assertArrayEquals(new byte[]{0, 1, 2}, ((ClusterEvent.Publish) received.get(2)).payload());
        assertEquals(new ClusterEvent.Disconnect("alice-phone", "alice"), received.get(4));
        assertEquals(new ClusterEvent.Disconnect("anon", null), received.get(5));
        assertEquals(new ClusterEvent.TakenOver("dev-1", 1_700_000_000_123L), received.get(6));
        assertArrayEquals(new byte[]{9, 8, 7}, ((ClusterEvent.Relayed) received.get(7)).message());
        assertEquals(new ClusterEvent.RateSpent("alice", 3), received.get(8));
        assertEquals(new ClusterEvent.SharedGroups("reef-2", List.of("$share/g/a/#", "$share/h/b")), received.get(9));
        assertEquals(new ClusterEvent.RetainedWanted("reef-3"), received.get(10));
        ClusterEvent.RetainedCopy copy = (ClusterEvent.RetainedCopy) received.get(11);
        assertEquals("reef-3", copy.node());
        assertArrayEquals(new byte[]{2, 3}, copy.messages().get(1));
        assertEquals(new ClusterEvent.Invalidated(ClusterEvent.Invalidated.BLOCKS, "bøb"), received.get(12));
    }

    @Test
    void anotherVersionOrGarbageIsRefusedWhole() {
        byte[] good = ClusterEventCodec.encode(List.of(new ClusterEvent.TakenOver("a", 1)));
        byte[] otherVersion = good.clone();
        otherVersion[0] = (byte) (ClusterEventCodec.VERSION + 1);
        assertThrows(IOException.class, () -> ClusterEventCodec.decode(otherVersion));
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        assertThrows(IOException.class, () -> ClusterEventCodec.decode(truncated));
        byte[] hugeCount = good.clone();
        hugeCount[1] = (byte) 0x7f;
        assertThrows(IOException.class, () -> ClusterEventCodec.decode(hugeCount));
        byte[] unknownKind = good.clone();
        unknownKind[5] = 99;
        assertThrows(IOException.class, () -> ClusterEventCodec.decode(unknownKind));
    }

    @Test
    void sizesGrowWithWhatTheEventCarries() {
        assertTrue(ClusterEventCodec.size(new ClusterEvent.Publish("t", new byte[1000], 0, false, null))
                > ClusterEventCodec.size(new ClusterEvent.Publish("t", new byte[10], 0, false, null)));
        assertTrue(ClusterEventCodec.size(new ClusterEvent.InboxEntry(Map.of("a", 1L, "b", 2L), new byte[10], null))
                > ClusterEventCodec.size(new ClusterEvent.InboxEntry(Map.of("a", 1L), new byte[10], null)));
    }
}
