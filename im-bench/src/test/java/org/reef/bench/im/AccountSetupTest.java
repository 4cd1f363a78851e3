package org.reef.bench.im;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.bench.run.BenchException;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class AccountSetupTest {

    private final FakeReefApi reef = new FakeReefApi();
    private final ImApi api = new ImApi(reef.base(), Duration.ofSeconds(5));
    private final ByteArrayOutputStream progressOut = new ByteArrayOutputStream();
    private final Progress progress = new Progress(new PrintStream(progressOut, true));

    AccountSetupTest() throws IOException {
    }

    @AfterEach
    void stop() {
        reef.close();
    }

    private static List<String> names(int count) {
        return IntStream.range(0, count).mapToObj(i -> "bench-a" + i).toList();
    }

    @Test
    void newUsersAreRegisteredAndExistingOnesOnlyLoggedIn() throws Exception {
        reef.users.add("bench-a1");
        reef.users.add("bench-a3");
        Accounts accounts = new AccountSetup(api, 2, progress).prepare(names(5), FakeReefApi.PASSWORD,
                Deadline.in(Duration.ofSeconds(20)));
        assertEquals(3, accounts.registered());
        assertEquals(2, accounts.existing());
        assertEquals("tok-bench-a3", accounts.token("bench-a3"));
        assertEquals(5, accounts.tokens().size());
        assertEquals(5, reef.requests.stream().filter(r -> r.equals("POST /users")).count());
        assertEquals(5, reef.requests.stream().filter(r -> r.equals("POST /tokens")).count());
        assertFalse(accounts.toString().contains("tok-"), "tokens never shown");
    }

    @Test
    void noMoreThanTheParallelBoundAtOnce() throws Exception {
        reef.registrationMillis = 30;
        new AccountSetup(api, 3, progress).prepare(names(12), FakeReefApi.PASSWORD,
                Deadline.in(Duration.ofSeconds(20)));
        assertTrue(reef.mostAtOnce.get() <= 3, "at most 3 requests at once, saw " + reef.mostAtOnce.get());
        assertTrue(reef.mostAtOnce.get() >= 2, "but in parallel, saw " + reef.mostAtOnce.get());
    }

    @Test
    void aWrongPasswordForAnExistingUserEndsTheSetupWithTheServersWords() {
        reef.users.add("bench-a0");
        BenchException e = assertThrows(BenchException.class, () -> new AccountSetup(api, 1, progress)
                .prepare(List.of("bench-a0"), "another-password", Deadline.in(Duration.ofSeconds(20))));
        assertEquals("logging in bench-a0: HTTP 401 bad_credentials: Bad user name or password", e.getMessage());
        assertFalse(e.getMessage().contains("another-password"));
    }

    @Test
    void theSetupBoundEndsASlowSetup() {
        reef.registrationMillis = 2_000;
        BenchException e = assertThrows(BenchException.class, () -> new AccountSetup(api, 1, progress)
                .prepare(names(3), FakeReefApi.PASSWORD, Deadline.in(Duration.ofMillis(500))));
        assertTrue(e.getMessage().startsWith("accounts: 0 of 3 users ready before the setup bound"), e.getMessage());
    }

    @Test
    void noServerIsAClearError() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ImApi nowhere = new ImApi(ImApi.base(InetAddress.getLoopbackAddress(), port), Duration.ofSeconds(2));
        BenchException e = assertThrows(BenchException.class, () -> nowhere.register("bench-a0", "pw-123456", "A"));
        assertTrue(e.getMessage().startsWith("registering bench-a0: POST http://127.0.0.1:" + port
                + "/api/v1/users failed (ConnectException"), e.getMessage());
        assertTrue(e.getMessage().endsWith("is Reef's HTTP API there?"), e.getMessage());
    }
}
