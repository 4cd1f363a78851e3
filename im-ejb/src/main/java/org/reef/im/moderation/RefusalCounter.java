package org.reef.im.moderation;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.reef.im.error.ImError;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts refused requests by error code on this server, over MQTT and HTTP alike. Each refusal is logged at FINE; once
 * a minute, if anything was refused, one INFO line sums up the minute (a flood of refusals does not flood the log).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RefusalCounter {

    private static final Logger LOG = Logger.getLogger(RefusalCounter.class.getName());

    private final AtomicLongArray counts = new AtomicLongArray(ImError.values().length);
    private final long[] reported = new long[ImError.values().length];

    public void refused(ImError error, String user, String what) {
        counts.incrementAndGet(error.ordinal());
        LOG.log(Level.FINE, "Refused {0} of {1}: {2}", new Object[]{what, user == null ? "(anonymous)" : user,
                error.code()});
    }

    @Schedule(minute = "*", hour = "*", persistent = false)
    synchronized void summarize() {
        StringBuilder summary = new StringBuilder();
        for (ImError error : ImError.values()) {
            long count = counts.get(error.ordinal());
            long delta = count - reported[error.ordinal()];
            reported[error.ordinal()] = count;
            if (delta > 0) {
                summary.append(summary.length() == 0 ? "" : ", ").append(error.code()).append(' ').append(delta);
            }
        }
        if (summary.length() > 0) {
            LOG.info("Refused in the last minute: " + summary);
        }
    }

    /** The count since start of one error (for the metrics: no allocation). */
    public long count(ImError error) {
        return counts.get(error.ordinal());
    }

    /** The counts since start, by error. */
    public Map<ImError, Long> counts() {
        Map<ImError, Long> result = new EnumMap<>(ImError.class);
        for (ImError error : ImError.values()) {
            result.put(error, counts.get(error.ordinal()));
        }
        return result;
    }
}
