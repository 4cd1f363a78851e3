package org.reef.bench.connect;

import org.reef.bench.report.JsonLine;
import org.reef.bench.run.FailureReason;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Failures counted by reason ({@link FailureReason}), from every event loop at once. */
public final class FailureTally {

    private final Map<String, LongAdder> byReason = new ConcurrentHashMap<>();

    public void add(Throwable failure) {
        add(FailureReason.of(failure));
    }

    public void add(String reason) {
        byReason.computeIfAbsent(reason, key -> new LongAdder()).increment();
    }

    public long total() {
        return byReason.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Reasons in alphabetical order, so the JSON is stable. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        byReason.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    public JsonLine toJson() {
        JsonLine json = new JsonLine();
        counts().forEach(json::put);
        return json;
    }

    /** For the human summary: {@code timeout: 3, TCP connect refused: 2}, or {@code none}. */
    public String describe() {
        Map<String, Long> counts = counts();
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((reason, count) -> out.append(out.length() == 0 ? "" : ", ").append(reason).append(": ")
                .append(count));
        return out.toString();
    }
}
