package org.reef.mqtt.topic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whether two filters can match a common topic: what subscription authorization relies on. */
class TopicsOverlapTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "im/#, im/inbox/bob, true",
            "im/#, #, true",
            "im/#, +/inbox/+, true",
            "im/#, +, true",
            "im/inbox/#, +, false",
            "im/#, im, true",
            "im/#, chat/#, false",
            "im/#, $share/g/im/inbox/+, true",
            "im/#, $share/g/#, true",
            "im/inbox/+, im/inbox/bob/x, false",
            "im/inbox/+, im/+/bob, true",
            "im/inbox/+, im/presence/bob, false",
            "a/+/c, a/b/+, true",
            "a/+/c, a/b, false",
            "$SYS/#, #, false",
            "$SYS/#, +/x, false",
            "$SYS/#, $SYS/+, true",
            "sport/#, sport, true",
            "a//b, a/+/b, true",
    })
    void overlaps(String a, String b, boolean expected) {
        assertEquals(expected, Topics.overlaps(a, b));
        assertEquals(expected, Topics.overlaps(b, a), "symmetric");
    }
}
