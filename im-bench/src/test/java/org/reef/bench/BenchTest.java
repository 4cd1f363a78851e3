package org.reef.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command as a whole, short of a server: usage, help, and a failed run's one JSON line. */
class BenchTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Bench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> jsonLines() {
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(line -> line.startsWith("{")).toList();
    }

    @Test
    void aBadCommandLineExitsWithTwoAndPrintsNoReport() {
        assertEquals(Bench.USAGE, run("pairs", "--qos", "2"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--qos must be a whole number from 0 to 1, not '2'"));
    }

    @Test
    void aRemoteHostNeedsConsent() {
        assertEquals(Bench.USAGE, run("connections", "--host", "192.0.2.1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("add --allow-remote"));
    }

    @Test
    void helpListsEveryScenarioAndEachScenarioItsOptions() {
        assertEquals(Bench.OK, run("--help"));
        String overview = out.toString(StandardCharsets.UTF_8);
        for (String scenario : List.of("connections", "pairs", "fanout", "offline", "im-chat", "im-group")) {
            assertTrue(overview.contains("  " + scenario + " "), scenario);
        }
        out.reset();
        assertEquals(Bench.OK, run("fanout", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--subscribers M"));
    }

    @Test
    void imScenariosSignInWithTheirOwnAccountsNotWithUsernameAndPassword() {
        assertEquals(Bench.OK, run("im-chat", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("--user-prefix PREFIX"), help);
        assertTrue(help.contains("--http-port PORT"), help);
        assertFalse(help.contains("--username"), help);
        assertFalse(help.contains("--qos"), help);
        out.reset();
        assertEquals(Bench.USAGE, run("im-chat", "--username", "alice"));
        assertEquals(Bench.USAGE, run("im-group", "--user-prefix", "Bench"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--user-prefix must be 1 to 24 of a-z 0-9 _ . -"));
        assertEquals(Bench.USAGE, run("im-group", "--members", "3", "--senders", "4"));
        assertEquals(Bench.USAGE, run("im-chat", "--size", "20"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(30)
    void anImRunWithoutTheHttpApiFailsInItsSetupWithOneJsonLine() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertEquals(Bench.FAILED, run("im-chat", "--http-port", Integer.toString(port), "--pairs", "1",
                "--setup-timeout", "10"));
        List<String> json = jsonLines();
        assertEquals(1, json.size(), out.toString(StandardCharsets.UTF_8));
        assertTrue(json.get(0).startsWith("{\"scenario\":\"im-chat\",\"error\":\"registering bench-"),
                json.get(0));
        assertTrue(json.get(0).contains("is Reef's HTTP API there?"), json.get(0));
    }

    @Test
    @Timeout(30)
    void aServerThatIsNotThereFailsTheRunWithOneJsonLine() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertEquals(Bench.FAILED, run("pairs", "--port", Integer.toString(port), "--pairs", "2",
                "--duration", "1", "--warmup", "0", "--connect-timeout", "2"));
        List<String> json = jsonLines();
        assertEquals(1, json.size(), out.toString(StandardCharsets.UTF_8));
        assertTrue(json.get(0).startsWith("{\"scenario\":\"pairs\",\"error\":\"2 of 2 subscribers could not connect:"),
                json.get(0));
        assertTrue(json.get(0).contains("TCP connect refused: 2"), json.get(0));
    }

    @Test
    @Timeout(30)
    void connectionFailuresAreFiguresInTheConnectionsScenario() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertEquals(Bench.OK, run("connections", "--port", Integer.toString(port), "--clients", "3",
                "--hold", "0", "--connect-timeout", "2"));
        List<String> json = jsonLines();
        assertEquals(1, json.size());
        assertTrue(json.get(0).contains("\"connected\":0,\"failed\":3,\"failures\":{\"TCP connect refused\":3}"),
                json.get(0));
    }
}
