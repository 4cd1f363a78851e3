package org.reef.mqtt.session;

import org.reef.mqtt.topic.Topics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The retained message of each topic (MQTT 3.1.1 section 3.3.1.3): a PUBLISH with RETAIN replaces it, one with an
 * empty payload clears it, and a new subscription receives those its filter matches.
 */
public final class RetainedMessages {

    private final ConcurrentMap<String, PublishMessage> byTopic = new ConcurrentHashMap<>();

    /** Stores, replaces or (empty payload) clears the topic's retained message. */
    public void retain(PublishMessage message) {
        if (message.payload().length == 0) {
            byTopic.remove(message.topic());
        } else {
            byTopic.put(message.topic(), message.withRetain(true));
        }
    }

    /** The unexpired retained messages whose topic the (non-shared) filter matches. */
    public List<PublishMessage> matching(String filter) {
        long now = System.nanoTime();
        List<PublishMessage> matched = new ArrayList<>();
        if (!filter.contains("+") && !filter.contains("#")) {
            PublishMessage exact = byTopic.get(filter);
            if (exact != null && !expired(exact, now)) {
                matched.add(exact);
            }
            return matched;
        }
        for (PublishMessage message : byTopic.values()) {
            if (Topics.matches(filter, message.topic()) && !expired(message, now)) {
                matched.add(message);
            }
        }
        return matched;
    }

    private boolean expired(PublishMessage message, long now) {
        if (message.isExpired(now)) {
            byTopic.remove(message.topic(), message);
            return true;
        }
        return false;
    }

    public int size() {
        return byTopic.size();
    }
}
