package org.reef.im.moderation;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.cluster.ClusterBus;
import org.reef.im.cluster.ClusterEvent;
import org.reef.im.config.ImSettings;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The per-user send rate limit: a token bucket per user ({@code REEF_SEND_RATE} messages per second, bursts of
 * {@code REEF_SEND_BURST}) shared by all of the user's devices. In a cluster each node keeps a bucket per user and
 * tells the others what it took ({@link ClusterEvent.RateSpent}), which they take from their own bucket of that user:
 * one budget per user across the nodes, overspent at most by what two nodes grant in the time an event takes to
 * travel (about a millisecond on a LAN). Buckets that are full again are forgotten every minute, so memory follows
 * the users who sent recently.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SendRateLimiter {

    @EJB
    private ImSettings settings;

    @EJB
    private ClusterBus cluster;

    private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private int rate;
    private int burst;

    @PostConstruct
    void load() {
        rate = settings.sendRate(); // read once: a call to the settings bean per message costs more than the bucket
        burst = settings.sendBurst();
    }

    /** Counts one send of the user; refuses it with {@code rate_limited} when over the limit. */
    public void acquire(String username) {
        acquire(username, 1);
    }

    /**
     * Counts an action that costs as much as {@code count} sends (adding that many members); all or nothing. A count
     * above the burst costs a full burst.
     */
    public void acquire(String username, int count) {
        if (rate == 0) {
            return;
        }
        long now = System.nanoTime();
        TokenBucket bucket = buckets.computeIfAbsent(username, u -> new TokenBucket(rate, burst, now));
        boolean taken;
        synchronized (bucket) {
            taken = bucket.tryTake(Math.max(1, count), now);
        }
        if (!taken) {
            throw refusal();
        }
        cluster.send(new ClusterEvent.RateSpent(username, Math.max(1, count)));
    }

    /** Another node granted this user {@code count} sends: they come out of this node's bucket of the user too. */
    public void spentElsewhere(String username, int count) {
        if (rate == 0) {
            return;
        }
        long now = System.nanoTime();
        TokenBucket bucket = buckets.computeIfAbsent(username, u -> new TokenBucket(rate, burst, now));
        synchronized (bucket) {
            bucket.spend(count, now);
        }
    }

    /**
     * Counts one send of each user in the list (a user may appear several times), in order; returns which were
     * within the limit. One call for a whole inflow batch.
     */
    public boolean[] tryAcquireEach(List<String> usernames) {
        boolean[] taken = new boolean[usernames.size()];
        if (rate == 0) {
            java.util.Arrays.fill(taken, true);
            return taken;
        }
        long now = System.nanoTime();
        for (int i = 0; i < taken.length; i++) {
            TokenBucket bucket = buckets.computeIfAbsent(usernames.get(i), u -> new TokenBucket(rate, burst, now));
            synchronized (bucket) {
                taken[i] = bucket.tryTake(1, now);
            }
            if (taken[i]) {
                cluster.send(new ClusterEvent.RateSpent(usernames.get(i), 1));
            }
        }
        return taken;
    }

    /** The refusal of a send over the limit. */
    public ImException refusal() {
        return new ImException(ImError.RATE_LIMITED,
                "more than " + rate + " messages per second (bursts of " + burst + ")");
    }

    @Schedule(minute = "*", hour = "*", persistent = false)
    void forgetIdle() {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                return entry.getValue().isFull(now);
            }
        });
    }
}
