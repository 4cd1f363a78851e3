package org.reef.mqtt.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The retained message of each topic (MQTT 3.1.1 section 3.3.1.3): a PUBLISH with RETAIN replaces it, one with an
 * empty payload clears it, and a new subscription receives those its filter matches.
 *
 * <p>Bounded (security review F4): at most {@code maxCount} messages and {@code maxBytes} of topics and payloads in
 * all, and {@code maxPerOwner} messages set by one user (anonymous clients share one owner). A message that would
 * exceed a bound is refused and changes nothing; replacing or clearing a retained message is always possible. Wildcard
 * lookups go through a {@link RetainedIndex} and stop at a limit.
 */
public final class RetainedMessages {

    /** The owner that anonymous clients share. */
    public static final String ANONYMOUS = "";
    /** The owner of what the server and the application retain; no user name can be this (it has a NUL). */
    private static final String TRUSTED = "\u0000server";

    private record Entry(PublishMessage message, String owner, long bytes) {
    }

    private final int maxCount;
    private final long maxBytes;
    private final int maxPerOwner;
    private final ConcurrentMap<String, Entry> byTopic = new ConcurrentHashMap<>();
    private final RetainedIndex index = new RetainedIndex();
    /** Guarded by this. */
    private final Map<String, Integer> perOwner = new HashMap<>();
    /** Guarded by this. */
    private long bytes;

    /** No bounds: for tests of matching only. */
    public RetainedMessages() {
        this(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    public RetainedMessages(int maxCount, long maxBytes, int maxPerOwner) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.maxPerOwner = maxPerOwner;
    }

    /**
     * Stores, replaces or (empty payload) clears the topic's retained message for the server or the application
     * (wills, the outbound connection factory): counted, but never refused.
     */
    public synchronized void retain(PublishMessage message) {
        store(message, TRUSTED, true);
    }

    /**
     * Stores a retained message copied from another broker of a cluster, unless this topic has one already (set here
     * since, so newer): for a broker that joins a cluster and takes the retained messages the others hold.
     */
    public synchronized void retainIfAbsent(PublishMessage message) {
        if (message.payload().length > 0 && !byTopic.containsKey(message.topic())) {
            store(message, TRUSTED, true);
        }
    }

    /**
     * Stores, replaces or (empty payload) clears the topic's retained message.
     *
     * @param owner the user who publishes it ({@link #ANONYMOUS} or null for anonymous clients)
     * @return false if storing it would exceed a bound (nothing changed then)
     */
    public synchronized boolean retain(PublishMessage message, String owner) {
        return store(message, owner == null ? ANONYMOUS : owner, false);
    }

    /** Guarded by this. */
    private boolean store(PublishMessage message, String who, boolean trusted) {
        String topic = message.topic();
        Entry previous = byTopic.get(topic);
        if (message.payload().length == 0) {
            if (previous != null) {
                remove(previous);
            }
            return true;
        }
        long size = sizeOf(message);
        boolean sameOwner = previous != null && previous.owner().equals(who);
        long bytesAfter = bytes - (previous == null ? 0 : previous.bytes()) + size;
        int countAfter = byTopic.size() + (previous == null ? 1 : 0);
        int ownedAfter = perOwner.getOrDefault(who, 0) + (sameOwner ? 0 : 1);
        if (!trusted && (bytesAfter > maxBytes || countAfter > maxCount || ownedAfter > maxPerOwner)) {
            return false;
        }
        if (previous != null) {
            remove(previous);
        }
        Entry entry = new Entry(message.withRetain(true), who, size);
        byTopic.put(topic, entry);
        index.put(entry.message());
        perOwner.merge(who, 1, Integer::sum);
        bytes += size;
        return true;
    }

    /** Guarded by this. */
    private void remove(Entry entry) {
        if (byTopic.remove(entry.message().topic(), entry)) {
            index.remove(entry.message().topic());
            perOwner.computeIfPresent(entry.owner(), (o, n) -> n <= 1 ? null : n - 1);
            bytes -= entry.bytes();
        }
    }

    /** The unexpired retained messages whose topic the (non-shared) filter matches. */
    public List<PublishMessage> matching(String filter) {
        return matching(filter, Integer.MAX_VALUE);
    }

    /** The unexpired retained messages whose topic the (non-shared) filter matches, at most {@code limit}. */
    public List<PublishMessage> matching(String filter, int limit) {
        long now = System.nanoTime();
        List<PublishMessage> found = new ArrayList<>();
        index.collect(filter, limit, found);
        List<PublishMessage> live = new ArrayList<>(found.size());
        for (PublishMessage message : found) {
            if (message.isExpired(now)) {
                expire(message);
            } else {
                live.add(message);
            }
        }
        return live;
    }

    private synchronized void expire(PublishMessage message) {
        Entry entry = byTopic.get(message.topic());
        if (entry != null && entry.message() == message) {
            remove(entry);
        }
    }

    public int size() {
        return byTopic.size();
    }

    /** Topic and payload bytes kept. */
    public synchronized long bytes() {
        return bytes;
    }

    private static long sizeOf(PublishMessage message) {
        return (long) message.topic().length() + message.payload().length;
    }
}
