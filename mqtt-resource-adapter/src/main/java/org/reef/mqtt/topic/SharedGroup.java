package org.reef.mqtt.topic;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscribers of one shared subscription, among which each matching message goes to one member.
 *
 * <p>MQTT 5.0 section 4.8.2: a shared subscription is identified by its ShareName and topic filter together,
 * and each message matching it is sent to only one of its subscribing sessions; how the server picks is not
 * specified. This group picks in round-robin order: an {@link AtomicInteger} cursor over an immutable member
 * list replaced on every change (copy-on-write). Groups are small and change at SUBSCRIBE/UNSUBSCRIBE time,
 * while many threads pick on every PUBLISH, so picking takes no lock. {@link #rotation()} lets the caller
 * skip a member whose session is offline and try the next one.
 *
 * <p>Membership is changed only by {@link SubscriptionTree}, under its write lock.
 *
 * @param <V> what the tree stores per subscription (for example the granted QoS and options)
 */
public final class SharedGroup<V> {

    /** One subscriber of the group, with the value it subscribed with. */
    public record Member<V>(String subscriberId, V value) {
    }

    private final String shareName;
    private final String filter;
    private final AtomicInteger cursor;
    private volatile List<Member<V>> members = List.of();

    SharedGroup(String shareName, String filter) {
        this(shareName, filter, 0);
    }

    /** Starts the cursor elsewhere, so that a test can cross the int overflow. */
    SharedGroup(String shareName, String filter, int initialCursor) {
        this.shareName = shareName;
        this.filter = filter;
        this.cursor = new AtomicInteger(initialCursor);
    }

    public String shareName() {
        return shareName;
    }

    /** The topic filter after the ShareName, which is what messages are matched against. */
    public String filter() {
        return filter;
    }

    /** The filter as the members sent it in SUBSCRIBE, {@code $share/{shareName}/{filter}}. */
    public String topicFilter() {
        return SharedFilter.PREFIX + shareName + '/' + filter;
    }

    /**
     * The next member in round-robin order.
     *
     * @return the member, or {@code null} if the last one left while this group was being matched
     */
    public Member<V> pick() {
        List<Member<V>> snapshot = members;
        if (snapshot.isEmpty()) {
            return null;
        }
        return snapshot.get(Math.floorMod(cursor.getAndIncrement(), snapshot.size()));
    }

    /**
     * Every current member once, starting with the one {@link #pick()} would have returned, then in order.
     * Advances the cursor like one pick, so a caller delivering to the first online member of the rotation
     * spreads messages as evenly as {@code pick()} while still reaching the group when members are offline.
     *
     * @return an immutable view; empty if the group has no members left
     */
    public List<Member<V>> rotation() {
        List<Member<V>> snapshot = members;
        if (snapshot.isEmpty()) {
            return snapshot;
        }
        return new Rotation<>(snapshot, Math.floorMod(cursor.getAndIncrement(), snapshot.size()));
    }

    /** The current members, an immutable snapshot in subscription order. */
    public List<Member<V>> members() {
        return members;
    }

    public int size() {
        return members.size();
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** Whether the subscriber is a member; a scan, as groups are small. */
    boolean contains(String subscriberId) {
        for (Member<V> member : members) {
            if (member.subscriberId().equals(subscriberId)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the subscriber or replaces its value in place (keeping its turn); returns the old value or null. */
    V put(String subscriberId, V value) {
        List<Member<V>> current = members;
        List<Member<V>> next = new ArrayList<>(current.size() + 1);
        V previous = null;
        for (Member<V> member : current) {
            if (member.subscriberId().equals(subscriberId)) {
                previous = member.value();
                next.add(new Member<>(subscriberId, value));
            } else {
                next.add(member);
            }
        }
        if (previous == null) {
            next.add(new Member<>(subscriberId, value));
        }
        members = List.copyOf(next);
        return previous;
    }

    /** Removes the subscriber; returns its value or null if it was no member. */
    V remove(String subscriberId) {
        List<Member<V>> current = members;
        List<Member<V>> next = new ArrayList<>(current.size());
        V removed = null;
        for (Member<V> member : current) {
            if (member.subscriberId().equals(subscriberId)) {
                removed = member.value();
            } else {
                next.add(member);
            }
        }
        if (removed != null) {
            members = List.copyOf(next);
        }
        return removed;
    }

    @Override
    public String toString() {
        return "SharedGroup[" + topicFilter() + ", " + members.size() + " members]";
    }

    /** A rotated view of a snapshot, so that a rotation costs one small object and no copy. */
    private static final class Rotation<V> extends AbstractList<Member<V>> implements RandomAccess {
        private final List<Member<V>> snapshot;
        private final int start;

        Rotation(List<Member<V>> snapshot, int start) {
            this.snapshot = snapshot;
            this.start = start;
        }

        @Override
        public Member<V> get(int index) {
            int size = snapshot.size();
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("index " + index + ", size " + size);
            }
            int i = start + index;
            return snapshot.get(i < size ? i : i - size);
        }

        @Override
        public int size() {
            return snapshot.size();
        }
    }
}
