package org.reef.bench.im;

import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registers the users of a run and logs each in, a few at a time. Both calls are slow on purpose on the server
 * (a PBKDF2 hash each), so they run on {@code parallel} threads: enough to keep the server's cores busy, few enough
 * not to queue requests past their timeout. A user that exists already (409, an earlier run with the same prefix) is
 * only logged in, so repeated runs skip the registrations. The first failure ends the setup.
 */
public final class AccountSetup {

    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ImApi api;
    private final int parallel;
    private final Progress progress;

    public AccountSetup(ImApi api, int parallel, Progress progress) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1");
        }
        this.api = api;
        this.parallel = parallel;
        this.progress = progress;
    }

    /** One user's outcome. */
    private record Ready(String username, boolean registered, String token) {
    }

    public Accounts prepare(List<String> usernames, String password, Deadline deadline)
            throws BenchException, InterruptedException {
        long start = System.nanoTime();
        AtomicInteger thread = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, task -> {
            Thread worker = new Thread(task, "bench-accounts-" + thread.incrementAndGet());
            worker.setDaemon(true);
            return worker;
        });
        try {
            CompletionService<Ready> done = new ExecutorCompletionService<>(pool);
            for (String username : usernames) {
                done.submit(() -> {
                    boolean created = api.register(username, password, "Bench " + username);
                    return new Ready(username, created, api.login(username, password));
                });
            }
            Map<String, String> tokens = new HashMap<>();
            int registered = 0;
            long nextReport = start + REPORT_EVERY_NANOS;
            while (tokens.size() < usernames.size()) {
                long wait = Math.min(deadline.remainingNanos(), Math.max(0, nextReport - System.nanoTime()));
                Future<Ready> next = done.poll(wait, TimeUnit.NANOSECONDS);
                if (next != null) {
                    Ready ready = result(next);
                    tokens.put(ready.username(), ready.token());
                    registered += ready.registered() ? 1 : 0;
                } else if (deadline.expired()) {
                    throw new BenchException("accounts: " + tokens.size() + " of " + usernames.size()
                            + " users ready before the setup bound (registration and login hash passwords on"
                            + " purpose; a lower REEF_PASSWORD_ITERATIONS on the server speeds them up)");
                } else {
                    progress.say("accounts: %d of %d ready (%d registered)", tokens.size(), usernames.size(),
                            registered);
                    nextReport += REPORT_EVERY_NANOS;
                }
            }
            return new Accounts(tokens, registered, usernames.size() - registered,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Ready result(Future<Ready> future) throws BenchException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BenchException failure) {
                throw failure;
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new BenchException("accounts: " + e.getCause(), e.getCause());
        }
    }
}
