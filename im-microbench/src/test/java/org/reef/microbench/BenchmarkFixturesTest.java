package org.reef.microbench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each benchmark, run once: it does the work it claims to measure, on the data it claims to use. */
class BenchmarkFixturesTest {

    @Test
    void decodingYieldsThePublishAndEncodingItsWireSize() {
        for (int level : new int[]{4, 5}) {
            PublishCodecBenchmark benchmark = new PublishCodecBenchmark();
            benchmark.level = level;
            benchmark.setUp();
            try {
                // 2 + 18 (topic) + 2 (packet id) + 64 (payload), plus an empty property length in MQTT 5
                int remaining = 2 + PublishCodecBenchmark.TOPIC.length() + 2 + PublishCodecBenchmark.PAYLOAD_BYTES
                        + (level == 5 ? 1 : 0);
                assertEquals(2 + remaining, benchmark.encodedSize(), "level " + level);
                for (int i = 0; i < 3; i++) { // repeatedly: the frame decoder must not see a swallowed frame
                    assertEquals(PublishCodecBenchmark.PACKET_ID, benchmark.decode(), "level " + level);
                    assertEquals(2 + remaining, benchmark.encode(), "level " + level);
                }
            } finally {
                benchmark.tearDown();
            }
        }
    }

    @Test
    void theTopicsReachAFewOfTheHundredThousandSubscriptions() {
        TopicMatchBenchmark benchmark = new TopicMatchBenchmark();
        benchmark.setUp();
        TopicMatchBenchmark.Counter counter = new TopicMatchBenchmark.Counter();
        benchmark.topic = "im/inbox/user12345";
        assertEquals(5, benchmark.match(counter));
        benchmark.topic = "im/room/42/msg";
        assertEquals(11, benchmark.match(counter));
        benchmark.topic = "im/inbox/user99";
        assertEquals(3, benchmark.match(counter));
    }
}
