package org.reef.mqtt.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic rules of MQTT 3.1.1 section 4.7 and MQTT 5.0 sections 4.7 and 4.8.2, spec examples first. */
class TopicsTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            // 4.7.1.2 multi-level wildcard
            "sport/tennis/player1/#     | sport/tennis/player1                   | true",
            "sport/tennis/player1/#     | sport/tennis/player1/ranking           | true",
            "sport/tennis/player1/#     | sport/tennis/player1/score/wimbledon   | true",
            "sport/#                    | sport                                  | true",
            "sport/#                    | sport/                                 | true",
            "'#'                        | sport/tennis/player1                   | true",
            "'#'                        | /                                      | true",
            "sport/tennis/player1/#     | sport/tennis/player2                   | false",
            "sport/tennis/player1/#     | sport/tennis                           | false",
            // 4.7.1.3 single-level wildcard
            "sport/tennis/+             | sport/tennis/player1                   | true",
            "sport/tennis/+             | sport/tennis/player2                   | true",
            "sport/tennis/+             | sport/tennis/player1/ranking           | false",
            "sport/+                    | sport                                  | false",
            "sport/+                    | sport/                                 | true",
            "sport/+                    | sport/tennis/player1                   | false",
            "+/+                        | /finance                               | true",
            "/+                         | /finance                               | true",
            "+                          | /finance                               | false",
            "+/tennis/#                 | sport/tennis/player1                   | true",
            "sport/+/player1            | sport/tennis/player1                   | true",
            "sport/+/player1            | sport/tennis/player2                   | false",
            "sport/+/#                  | sport/                                 | true",
            "sport/+/#                  | sport                                  | false",
            // 4.7.2 topics beginning with $
            "'#'                        | $SYS/x                                 | false",
            "+/monitor/Clients          | $SYS/monitor/Clients                   | false",
            "$SYS/#                     | $SYS/monitor/Clients                   | true",
            "$SYS/monitor/+             | $SYS/monitor/Clients                   | true",
            "$SYS/#                     | $SYS                                   | true",
            "+                          | $                                      | false",
            "a/$x                       | a/$x                                   | true",
            "+/$x                       | a/$x                                   | true",
            // 4.7.3 case-sensitive, spaces allowed, empty levels significant
            "ACCOUNTS                   | Accounts                               | false",
            "Accounts payable           | Accounts payable                       | true",
            "a//b                       | a//b                                   | true",
            "a/+/b                      | a//b                                   | true",
            "a/b                        | a//b                                   | false",
            "a//b                       | a/b                                    | false",
            "/a                         | a                                      | false",
            "a                          | /a                                     | false",
            "a/                         | a                                      | false",
            "a                          | a/                                     | false",
            "/                          | /                                      | true",
            "+/+                        | /                                      | true",
            // prefixes must not match
            "sport/ten                  | sport/tennis                           | false",
            "sport/tennis               | sport/ten                              | false",
            "sport                      | sport/tennis                           | false",
            "sport/tennis               | sport                                  | false",
            "sport/#                    | sports                                 | false",
            "sport/#                    | spor                                   | false",
            // a shared filter matches what its filter matches, $ rule included (MQTT 5.0 4.8.2)
            "$share/g/sport/#           | sport/tennis                           | true",
            "$share/g/#                 | $SYS/x                                 | false",
            "$share/g/$SYS/#            | $SYS/x                                 | true",
    })
    void matches(String filter, String topicName, boolean expected) {
        assertEquals(expected, Topics.matches(filter, topicName));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sport/tennis/#", "#", "sport/#", "+", "+/tennis/#", "sport/+/player1", "/", "//", "+/+",
            "/+", "$SYS/#", "a/+/+/#", "$share", "$share/g/#", "$share/g/+/x", "$share/group-1/a/b", "天気/東京/+",
            "$share/g/$share/h/x"})
    void validFilters(String filter) {
        Topics.validateTopicFilter(filter, 0, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sport/tennis#", "sport/tennis/#/ranking", "sport+", "+sport", "sport/+tennis", "#/",
            "##", "++", "sport/#/", "#/a", "$share/g", "$share/", "$share//x", "$share/a+b/x", "$share/a#b/x",
            "$share/+/x", "$share/g/", "$share/g/a#", "$share/g/#/a", "a\u0000b", "a\uD800b"})
    void invalidFilters(String filter) {
        TopicException e = assertThrows(TopicException.class, () -> Topics.validateTopicFilter(filter, 0, 0));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void messagesSayWhatIsWrong() {
        assertTrue(message(() -> Topics.validateTopicFilter("sport/tennis/#/ranking", 0, 0)).contains("last"));
        assertTrue(message(() -> Topics.validateTopicFilter("sport+", 0, 0)).contains("whole level"));
        assertTrue(message(() -> Topics.validateTopicFilter("$share//x", 0, 0)).contains("empty ShareName"));
        assertTrue(message(() -> Topics.validateTopicFilter("", 0, 0)).contains("empty"));
        assertTrue(message(() -> Topics.validateTopicName("a/+", 0, 0)).contains("wildcard"));
        assertTrue(message(() -> Topics.validateTopicName("a/\u0000", 0, 0)).contains("U+0000"));
    }

    @Test
    void nullIsInvalid() {
        assertThrows(TopicException.class, () -> Topics.validateTopicFilter(null, 0, 0));
        assertThrows(TopicException.class, () -> Topics.validateTopicName(null, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sport/tennis", "/", "//", "/finance", "$SYS/x", "a//b", "Accounts payable", "天気/東京",
            "emoji/\uD83D\uDE00", "$share/x"})
    void validTopicNames(String name) {
        Topics.validateTopicName(name, 0, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sport/+", "sport/#", "+", "#", "a+b", "a#", "a\u0000", "\uD800", "a\uDC00b",
            "a\uD83D"})
    void invalidTopicNames(String name) {
        assertThrows(TopicException.class, () -> Topics.validateTopicName(name, 0, 0));
    }

    @Test
    void lengthCountsUtf8Bytes() {
        Topics.validateTopicName("éé", 4, 0); // 2 bytes each
        assertThrows(TopicException.class, () -> Topics.validateTopicName("éé", 3, 0));
        Topics.validateTopicName("東", 3, 0);
        assertThrows(TopicException.class, () -> Topics.validateTopicName("東", 2, 0));
        Topics.validateTopicFilter("\uD83D\uDE00/#", 6, 0); // a surrogate pair is 4 bytes, not 6
        assertThrows(TopicException.class, () -> Topics.validateTopicFilter("\uD83D\uDE00/#", 5, 0));
        Topics.validateTopicFilter("$share/g/a", 10, 0); // the whole filter counts
        assertThrows(TopicException.class, () -> Topics.validateTopicFilter("$share/g/a", 9, 0));
    }

    @Test
    void protocolLimitIs65535Bytes() {
        String longest = "a".repeat(Topics.MAX_LENGTH);
        Topics.validateTopicName(longest, 0, 0);
        Topics.validateTopicName(longest, Integer.MAX_VALUE, 0);
        assertThrows(TopicException.class, () -> Topics.validateTopicName(longest + "a", 0, 0));
        assertThrows(TopicException.class, () -> Topics.validateTopicName(longest + "a", Integer.MAX_VALUE, 0));
        assertThrows(TopicException.class, () -> Topics.validateTopicFilter("é".repeat(32_768), 0, 0));
        TopicException e = assertThrows(TopicException.class, () -> Topics.validateTopicName(longest + "a", 0, 0));
        assertTrue(e.getMessage().length() < 300, "a long topic is truncated in the message");
    }

    @Test
    void levelLimit() {
        Topics.validateTopicName("a/b/c", 0, 3);
        assertThrows(TopicException.class, () -> Topics.validateTopicName("a/b/c", 0, 2));
        assertThrows(TopicException.class, () -> Topics.validateTopicName("a//", 0, 2)); // empty levels count
        Topics.validateTopicFilter("a/+/#", 0, 3);
        assertThrows(TopicException.class, () -> Topics.validateTopicFilter("a/+/#", 0, 2));
        Topics.validateTopicFilter("$share/g/a/b", 0, 2); // the ShareName is no level of the filter
        assertThrows(TopicException.class, () -> Topics.validateTopicFilter("$share/g/a/b/c", 0, 2));
        Topics.validateTopicName("a/".repeat(10_000) + "a", 0, 0);
    }

    @Test
    void negativeLimitsAreProgrammingErrors() {
        assertThrows(IllegalArgumentException.class, () -> Topics.validateTopicName("a", -1, 0));
        assertThrows(IllegalArgumentException.class, () -> Topics.validateTopicFilter("a", 0, -1));
    }

    @Test
    void sharedFilterParsing() {
        assertTrue(Topics.isShared("$share/g/a"));
        assertFalse(Topics.isShared("$share"));
        assertFalse(Topics.isShared("$SHARE/g/a"));
        assertFalse(Topics.isShared("a/$share/g/a"));
        assertEquals(new SharedFilter("g", "sport/+/#"), SharedFilter.parse("$share/g/sport/+/#"));
        assertEquals(new SharedFilter("g", "/a"), SharedFilter.parse("$share/g//a"));
        assertEquals("$share/g/sport/#", SharedFilter.parse("$share/g/sport/#").topicFilter());
        assertNull(SharedFilter.parse("sport/#"));
        assertNull(SharedFilter.parse("$share"));
        assertThrows(TopicException.class, () -> SharedFilter.parse("$share/g"));
        assertThrows(TopicException.class, () -> SharedFilter.parse("$share//x"));
        assertThrows(TopicException.class, () -> new SharedFilter("a/b", "x"));
        assertThrows(TopicException.class, () -> new SharedFilter("g", ""));
    }

    private static String message(Runnable validation) {
        return assertThrows(TopicException.class, validation::run).getMessage();
    }
}
