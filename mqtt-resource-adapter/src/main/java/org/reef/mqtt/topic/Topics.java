package org.reef.mqtt.topic;

/**
 * Validation and matching of topic names and topic filters.
 *
 * <p>MQTT 3.1.1 section 4.7 and MQTT 5.0 section 4.7 share these rules:
 * <ul>
 * <li>names and filters are at least one character long, contain no U+0000 and encode to at most 65 535
 *     UTF-8 bytes [MQTT-4.7.3-1, MQTT-4.7.3-2, MQTT-4.7.3-3]; the UTF-8 must be well formed, so a lone
 *     surrogate is refused [MQTT-1.5.3-1];</li>
 * <li>wildcards never appear in a topic name [MQTT-4.7.1-1 (3.1.1), MQTT-3.3.2-2 (5.0)];</li>
 * <li>{@code +} occupies a whole level [MQTT-4.7.1-3]; {@code #} is a whole level and the last one
 *     [MQTT-4.7.1-2], and {@code sport/#} also matches {@code sport} (4.7.1.2);</li>
 * <li>levels are separated by {@code /} and may be empty, so {@code a//b} has three levels and
 *     {@code /finance} starts with an empty level (4.7.1.1);</li>
 * <li>a filter starting with a wildcard does not match a topic name starting with {@code $}
 *     [MQTT-4.7.2-1];</li>
 * <li>MQTT 5.0 section 4.8.2 adds shared subscriptions, {@code $share/{ShareName}/{filter}} (see
 *     {@link SharedFilter}).</li>
 * </ul>
 * Validation throws {@link TopicException}; matching assumes already validated input and, for a filter that is
 * not shared, compares the strings in place without allocating.
 */
public final class Topics {

    /** The UTF-8 string of both protocol versions carries a two-byte length (MQTT 3.1.1 1.5.3, 5.0 1.5.4). */
    public static final int MAX_LENGTH = 65_535;

    private static final int QUOTE_LIMIT = 80;

    private Topics() {
    }

    /**
     * Validates the topic name of a PUBLISH (or of a Will message).
     *
     * @param maxLength the most UTF-8 bytes allowed; 0 for the protocol limit of {@value #MAX_LENGTH}
     * @param maxLevels the most levels allowed; 0 for no limit
     * @throws TopicException if the name is empty, contains a wildcard or U+0000, or is too long or too deep
     */
    public static void validateTopicName(String name, int maxLength, int maxLevels) {
        requireNonEmpty(name, "topic name");
        checkCharacters(name, maxLength, "topic name");
        int levels = 1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/') {
                levels++;
            } else if (c == '+' || c == '#') {
                throw new TopicException("topic name " + quote(name) + " contains the wildcard '" + c
                        + "', allowed only in topic filters (MQTT 4.7.1, MQTT-4.7.1-1)");
            }
        }
        checkLevels(levels, maxLevels, "topic name", name);
    }

    /**
     * Validates a topic filter of a SUBSCRIBE or UNSUBSCRIBE, shared subscriptions included.
     *
     * @param maxLength the most UTF-8 bytes of the whole filter ({@code $share/...} included); 0 for the
     *                  protocol limit of {@value #MAX_LENGTH}
     * @param maxLevels the most levels of the filter proper (after the ShareName); 0 for no limit
     * @throws TopicException if a wildcard does not occupy a whole level, {@code #} is not last, a shared
     *                        subscription is malformed, or the filter is empty, too long or too deep
     */
    public static void validateTopicFilter(String filter, int maxLength, int maxLevels) {
        requireNonEmpty(filter, "topic filter");
        checkCharacters(filter, maxLength, "topic filter");
        SharedFilter shared = SharedFilter.parse(filter);
        String plain = shared == null ? filter : shared.filter();
        int levels = checkWildcards(plain);
        checkLevels(levels, maxLevels, "topic filter", filter);
    }

    /**
     * Whether a topic name matches a topic filter, for a single check outside the subscription tree (retained
     * messages, authorization rules). A shared filter matches what its filter after the ShareName matches.
     * Both arguments must be valid; the result for invalid ones is unspecified.
     */
    public static boolean matches(String filter, String topicName) {
        SharedFilter shared = SharedFilter.parse(filter);
        String plain = shared == null ? filter : shared.filter();
        char first = plain.charAt(0);
        if ((first == '+' || first == '#') && !topicName.isEmpty() && topicName.charAt(0) == '$') {
            return false; // MQTT-4.7.2-1
        }
        return matchLevels(plain, topicName);
    }

    /**
     * Whether some topic name matches both filters, i.e. whether a subscription to one can receive messages published
     * in the namespace the other describes. Shared filters are compared by their inner filter; the rule that root
     * wildcards skip {@code $} topics applies.
     */
    public static boolean overlaps(String filterA, String filterB) {
        String a = plain(filterA);
        String b = plain(filterB);
        String[] left = a.split("/", -1);
        String[] right = b.split("/", -1);
        boolean leftWild = left[0].equals("+") || left[0].equals("#");
        boolean rightWild = right[0].equals("+") || right[0].equals("#");
        if ((leftWild && right[0].startsWith("$")) || (rightWild && left[0].startsWith("$"))) {
            return false; // MQTT-4.7.2-1: a root wildcard never matches a $ topic
        }
        for (int i = 0; ; i++) {
            boolean leftEnd = i >= left.length;
            boolean rightEnd = i >= right.length;
            if (!leftEnd && left[i].equals("#") || !rightEnd && right[i].equals("#")) {
                return true; // '#' also matches the parent level, so the other side may end here
            }
            if (leftEnd || rightEnd) {
                return leftEnd && rightEnd;
            }
            if (!left[i].equals("+") && !right[i].equals("+") && !left[i].equals(right[i])) {
                return false;
            }
        }
    }

    private static String plain(String filter) {
        SharedFilter shared = SharedFilter.parse(filter);
        return shared == null ? filter : shared.filter();
    }

    /** Whether a topic filter is a shared subscription, i.e. starts with {@code $share/} (MQTT 5.0 4.8.2). */
    public static boolean isShared(String filter) {
        return filter.startsWith(SharedFilter.PREFIX);
    }

    /** Walks both strings a level at a time; both start at a level, levels are compared in place. */
    private static boolean matchLevels(String filter, String topic) {
        int fLength = filter.length();
        int tLength = topic.length();
        int f = 0;
        int t = 0;
        while (true) {
            if (f < fLength && filter.charAt(f) == '#') {
                return true; // '#' is last and matches this level and all below it
            }
            if (f < fLength && filter.charAt(f) == '+') {
                f++;
                while (t < tLength && topic.charAt(t) != '/') {
                    t++;
                }
            } else {
                while (f < fLength && t < tLength && filter.charAt(f) != '/' && topic.charAt(t) != '/') {
                    if (filter.charAt(f) != topic.charAt(t)) {
                        return false;
                    }
                    f++;
                    t++;
                }
                boolean filterLevelEnds = f == fLength || filter.charAt(f) == '/';
                boolean topicLevelEnds = t == tLength || topic.charAt(t) == '/';
                if (!filterLevelEnds || !topicLevelEnds) {
                    return false;
                }
            }
            if (f == fLength) {
                return t == tLength;
            }
            if (t == tLength) {
                // the topic has no more levels: only a trailing "/#" still matches (4.7.1.2, "sport/#" ~ "sport")
                return f + 2 == fLength && filter.charAt(f + 1) == '#';
            }
            f++;
            t++;
        }
    }

    /** Checks wildcard placement [MQTT-4.7.1-2, MQTT-4.7.1-3] and returns the number of levels. */
    private static int checkWildcards(String filter) {
        int length = filter.length();
        int levels = 1;
        for (int i = 0; i < length; i++) {
            char c = filter.charAt(i);
            if (c == '/') {
                levels++;
            } else if (c == '+' || c == '#') {
                boolean startsLevel = i == 0 || filter.charAt(i - 1) == '/';
                boolean endsLevel = i == length - 1 || filter.charAt(i + 1) == '/';
                if (!startsLevel || !endsLevel) {
                    throw new TopicException("topic filter " + quote(filter) + ": the wildcard '" + c
                            + "' must occupy a whole level (MQTT 4.7.1, " + (c == '#' ? "MQTT-4.7.1-2)" : "MQTT-4.7.1-3)"));
                }
                if (c == '#' && i != length - 1) {
                    throw new TopicException("topic filter " + quote(filter)
                            + ": the wildcard '#' must be the last level (MQTT 4.7.1.2, MQTT-4.7.1-2)");
                }
            }
        }
        return levels;
    }

    private static void requireNonEmpty(String topic, String what) {
        if (topic == null || topic.isEmpty()) {
            throw new TopicException("the " + what + " is empty; it must be at least one character long (MQTT 4.7.3, MQTT-4.7.3-1)");
        }
    }

    /** Refuses U+0000 and lone surrogates and counts UTF-8 bytes in the same pass, without encoding. */
    private static void checkCharacters(String topic, int maxLength, String what) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must be 0 (protocol limit) or positive: " + maxLength);
        }
        int limit = maxLength == 0 ? MAX_LENGTH : Math.min(maxLength, MAX_LENGTH);
        int length = topic.length();
        int bytes = 0;
        for (int i = 0; i < length; i++) {
            char c = topic.charAt(i);
            if (c == '\u0000') {
                throw new TopicException("the " + what + " contains U+0000 (MQTT 4.7.3, MQTT-4.7.3-2)");
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(topic.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new TopicException("the " + what + " contains an unpaired surrogate at index " + i
                        + " and has no well-formed UTF-8 encoding (MQTT 1.5.3, MQTT-1.5.3-1)");
            } else {
                bytes += 3;
            }
        }
        if (bytes > limit) {
            throw new TopicException("the " + what + " " + quote(topic) + " is " + bytes + " UTF-8 bytes long, more than "
                    + limit + (limit == MAX_LENGTH ? " (MQTT 4.7.3, MQTT-4.7.3-3)" : " (server limit)"));
        }
    }

    private static void checkLevels(int levels, int maxLevels, String what, String topic) {
        if (maxLevels < 0) {
            throw new IllegalArgumentException("maxLevels must be 0 (no limit) or positive: " + maxLevels);
        }
        if (maxLevels > 0 && levels > maxLevels) {
            throw new TopicException("the " + what + " " + quote(topic) + " has " + levels + " levels, more than the limit of "
                    + maxLevels);
        }
    }

    /** Quotes a topic for a message, truncated so that a long topic cannot flood a log line. */
    static String quote(String topic) {
        return topic.length() <= QUOTE_LIMIT
                ? '"' + topic + '"'
                : '"' + topic.substring(0, QUOTE_LIMIT) + "...\" (" + topic.length() + " chars)";
    }
}
