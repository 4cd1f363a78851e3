package org.reef.mqtt.topic;

import java.util.Objects;

/**
 * A shared subscription's topic filter split into its ShareName and the filter proper.
 *
 * <p>MQTT 5.0 section 4.8.2: a shared subscription's filter starts with {@code $share/}, then a ShareName of at
 * least one character that contains none of {@code /}, {@code +} or {@code #} [MQTT-4.8.2-1, MQTT-4.8.2-2],
 * then {@code /} and a topic filter. Messages are matched against the filter only; the ShareName just
 * groups the subscribers that share the messages.
 *
 * @param shareName the ShareName, never empty
 * @param filter    the topic filter after the ShareName, never empty (its wildcards are checked by
 *                  {@link Topics#validateTopicFilter})
 */
public record SharedFilter(String shareName, String filter) {

    /** The prefix that makes a topic filter a shared subscription (case-sensitive, like every topic). */
    public static final String PREFIX = "$share/";

    /**
     * Rejects a ShareName or filter that could not have come from a valid {@code $share/} filter, so that
     * {@link #topicFilter()} always parses back to an equal record.
     */
    public SharedFilter {
        Objects.requireNonNull(shareName, "shareName");
        Objects.requireNonNull(filter, "filter");
        if (shareName.isEmpty()) {
            throw new TopicException("shared subscription has an empty ShareName (MQTT 5.0 4.8.2, MQTT-4.8.2-1)");
        }
        for (int i = 0; i < shareName.length(); i++) {
            char c = shareName.charAt(i);
            if (c == '/' || c == '+' || c == '#') {
                throw new TopicException("ShareName " + Topics.quote(shareName) + " contains '" + c
                        + "' (MQTT 5.0 4.8.2, MQTT-4.8.2-2)");
            }
        }
        if (filter.isEmpty()) {
            throw new TopicException("shared subscription " + Topics.quote(PREFIX + shareName + '/')
                    + " has an empty topic filter (MQTT 5.0 4.8.2, MQTT-4.8.2-2)");
        }
    }

    /**
     * Splits a {@code $share/} filter.
     *
     * @return the parts, or {@code null} if {@code topicFilter} is not a shared subscription
     * @throws TopicException if it starts with {@code $share/} but the ShareName part is malformed or no
     *                        non-empty filter follows it
     */
    public static SharedFilter parse(String topicFilter) {
        if (!Topics.isShared(topicFilter)) {
            return null;
        }
        int nameStart = PREFIX.length();
        int nameEnd = topicFilter.indexOf('/', nameStart);
        if (nameEnd < 0) {
            throw new TopicException("shared subscription " + Topics.quote(topicFilter)
                    + " has no '/' and topic filter after the ShareName (MQTT 5.0 4.8.2, MQTT-4.8.2-2)");
        }
        return new SharedFilter(topicFilter.substring(nameStart, nameEnd), topicFilter.substring(nameEnd + 1));
    }

    /** The filter as a client sends it in SUBSCRIBE and UNSUBSCRIBE: {@code $share/{shareName}/{filter}}. */
    public String topicFilter() {
        return PREFIX + shareName + '/' + filter;
    }
}
