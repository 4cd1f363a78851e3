package org.reef.bench.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InflightWindowTest {

    private final List<String> completions = new ArrayList<>();
    private final PublishListener listener = (token, success) -> completions.add(token + ":" + success);

    @Test
    void handsOutDistinctIdsUpToTheCapacity() {
        InflightWindow window = new InflightWindow(3);
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            int id = window.acquire(i, listener);
            assertTrue(id >= 1 && id <= 3, "packet ids are 1..capacity, never 0 (MQTT 3.1.1 §2.3.1)");
            ids.add(id);
        }
        assertEquals(3, ids.size());
        assertFalse(window.hasRoom());
        assertEquals(-1, window.acquire(9, listener));
    }

    @Test
    void anAcknowledgedIdIsReusedAndItsTokenReturned() {
        InflightWindow window = new InflightWindow(2);
        int first = window.acquire(100, listener);
        window.acquire(101, listener);
        assertTrue(window.complete(first, true));
        assertEquals(List.of("100:true"), completions);
        assertEquals(first, window.acquire(102, listener));
        assertEquals(2, window.inUse());
    }

    @Test
    void strayAndRepeatedAcknowledgementsChangeNothing() {
        InflightWindow window = new InflightWindow(2);
        int id = window.acquire(7, listener);
        assertTrue(window.complete(id, true));
        assertFalse(window.complete(id, true));
        assertFalse(window.complete(0, true));
        assertFalse(window.complete(65_535, true));
        assertEquals(List.of("7:true"), completions);
        assertEquals(0, window.inUse());
    }

    @Test
    void closingFailsEverythingInFlight() {
        InflightWindow window = new InflightWindow(4);
        window.acquire(1, listener);
        window.acquire(2, listener);
        window.abandonAll();
        assertEquals(Set.of("1:false", "2:false"), new HashSet<>(completions));
        assertEquals(0, window.inUse());
    }

    @Test
    void aSmallerReceiveMaximumLimitsTheWindow() {
        InflightWindow window = new InflightWindow(10);
        window.limit(2);
        window.acquire(1, listener);
        window.acquire(2, listener);
        assertFalse(window.hasRoom());
        window.limit(0);
        assertEquals(1, window.limit());
        window.limit(1_000);
        assertEquals(10, window.limit());
    }

    @Test
    void capacityIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new InflightWindow(0));
        assertThrows(IllegalArgumentException.class, () -> new InflightWindow(ClientSettings.MAX_INFLIGHT + 1));
    }
}
