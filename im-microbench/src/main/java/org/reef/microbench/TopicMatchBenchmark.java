package org.reef.microbench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.reef.mqtt.topic.MatchVisitor;
import org.reef.mqtt.topic.SubscriptionTree;

import java.util.concurrent.TimeUnit;

/**
 * Matching one PUBLISH topic in the broker's {@link SubscriptionTree} holding 100 000 subscriptions of an IM server,
 * as routing does for every message. The topics measured reach a few subscribers each.
 *
 * <p>The subscriptions ({@link #populate}): 90 000 users on their own inbox {@code im/inbox/userN}; 1 000 rooms with
 * 6 members each on {@code im/room/R/msg} and 2 watchers each on {@code im/room/R/+}; 1 000 devices on a whole inbox
 * subtree {@code im/inbox/userN/#}; 500 monitors on {@code +/inbox/userN}; 490 archivers on {@code im/room/R/#};
 * 8 administrators on {@code $SYS/#} (never matched by {@code im/} topics); 2 auditors on {@code im/#}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicMatchBenchmark {

    static final int SUBSCRIPTIONS = 100_000;

    /** A user's inbox (5 subscribers: the user, a device subtree, a monitor, 2 auditors) and a room (11). */
    @Param({"im/inbox/user12345", "im/room/42/msg"})
    public String topic;

    private final SubscriptionTree<Integer> tree = new SubscriptionTree<>();

    @Setup(Level.Trial)
    public void setUp() {
        populate(tree);
        if (tree.size() != SUBSCRIPTIONS) {
            throw new IllegalStateException("expected " + SUBSCRIPTIONS + " subscriptions, built " + tree.size());
        }
    }

    /** Visits every matching subscription, as the router does, and returns how many there were. */
    @Benchmark
    public int match(Counter counter) {
        counter.count = 0;
        tree.match(topic, counter);
        return counter.count;
    }

    /** The visitor, one per thread, reused: matching itself allocates nothing per subscription. */
    @State(Scope.Thread)
    public static class Counter implements MatchVisitor<Integer> {
        int count;

        @Override
        public void visit(String subscriberId, String filter, Integer qos) {
            count += qos;
        }
    }

    static void populate(SubscriptionTree<Integer> tree) {
        for (int user = 0; user < 90_000; user++) {
            tree.subscribe("im/inbox/user" + user, "user" + user, 1);
        }
        for (int room = 0; room < 1_000; room++) {
            for (int member = 0; member < 6; member++) {
                tree.subscribe("im/room/" + room + "/msg", "user" + (room * 6 + member), 1);
            }
            for (int watcher = 0; watcher < 2; watcher++) {
                tree.subscribe("im/room/" + room + "/+", "mod" + room + "-" + watcher, 1);
            }
        }
        for (int user = 12_000; user < 13_000; user++) {
            tree.subscribe("im/inbox/user" + user + "/#", "device" + user, 1);
        }
        for (int user = 12_000; user < 12_500; user++) {
            tree.subscribe("+/inbox/user" + user, "monitor" + user, 1);
        }
        for (int room = 0; room < 490; room++) {
            tree.subscribe("im/room/" + room + "/#", "archiver" + room, 1);
        }
        for (int admin = 0; admin < 8; admin++) {
            tree.subscribe("$SYS/#", "admin" + admin, 1);
        }
        for (int auditor = 0; auditor < 2; auditor++) {
            tree.subscribe("im/#", "auditor" + auditor, 1);
        }
    }
}
