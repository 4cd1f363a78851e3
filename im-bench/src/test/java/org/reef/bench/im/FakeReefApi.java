package org.reef.bench.im;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Reef's HTTP API as far as the setup uses it (docs/protocol.md; groups as the benchmark's contract has them), on a
 * loopback port, with what the tests need to look at: the requests, the users, the most requests in progress at once.
 */
final class FakeReefApi implements AutoCloseable {

    static final String PASSWORD = "pw-123456";

    final Set<String> users = ConcurrentHashMap.newKeySet();
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Reef's default REEF_GROUP_MAX_ADD: users one request may add to a group. */
    static final int MAX_ADD = 50;

    final List<List<String>> memberBatches = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    volatile int registrationMillis = 0;
    volatile boolean listsGroups = true;
    private final Map<String, List<String>> groups = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final AtomicInteger atOnce = new AtomicInteger();
    private final HttpServer server;

    FakeReefApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/v1/", this::handle);
        server.start();
    }

    URI base() {
        return ImApi.base(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = atOnce.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        try {
            String path = exchange.getRequestURI().getPath().substring("/api/v1".length());
            String method = exchange.getRequestMethod();
            requests.add(method + " " + path);
            Map<String, Object> body = method.equals("POST") ? Json.object(new String(
                    exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)) : Map.of();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String caller = auth == null ? null : auth.substring("Bearer tok-".length());
            if (path.startsWith("/groups")) {
                authorizations.add(auth);
            }
            if (path.equals("/users")) {
                register(exchange, body);
            } else if (path.equals("/tokens")) {
                if (users.contains(Json.string(body, "username")) && PASSWORD.equals(body.get("password"))) {
                    answer(exchange, 201, "{\"token\":\"tok-" + body.get("username")
                            + "\",\"expiresAt\":\"2026-11-27T00:00:00Z\"}");
                } else {
                    problem(exchange, 401, "bad_credentials", "Bad user name or password");
                }
            } else if (path.equals("/groups") && method.equals("GET") && listsGroups) {
                answer(exchange, 200, groups.entrySet().stream().filter(g -> g.getValue().contains(caller))
                        .map(g -> group(g.getKey())).collect(Collectors.joining(",", "{\"items\":[", "]}")));
            } else if (path.equals("/groups") && method.equals("POST")) {
                memberBatches.add(members(body));
                String id = "g" + (groups.size() + 1);
                names.put(id, Json.string(body, "name"));
                List<String> members = new CopyOnWriteArrayList<>(List.of(caller));
                members.addAll(members(body));
                groups.put(id, members);
                answer(exchange, 201, group(id));
            } else if (path.matches("/groups/g\\d+/members") && method.equals("POST")
                    && members(body).size() > MAX_ADD) {
                problem(exchange, 400, "invalid", "add at most " + MAX_ADD + " users per request");
            } else if (path.matches("/groups/g\\d+/members") && method.equals("POST")) {
                String id = path.split("/")[2];
                memberBatches.add(members(body));
                groups.get(id).addAll(members(body));
                answer(exchange, 200, group(id));
            } else {
                problem(exchange, 404, "not_found", "no " + method + " " + path);
            }
        } finally {
            atOnce.decrementAndGet();
        }
    }

    /** A group as an earlier run left it. */
    void existingGroup(String name, List<String> members) {
        String id = "g" + (groups.size() + 1);
        names.put(id, name);
        groups.put(id, new CopyOnWriteArrayList<>(members));
    }

    private void register(HttpExchange exchange, Map<String, Object> body) throws IOException {
        sleep(registrationMillis);
        if (users.add(Json.string(body, "username"))) {
            answer(exchange, 201, "{\"username\":\"" + body.get("username") + "\"}");
        } else {
            problem(exchange, 409, "username_taken", "taken");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> members(Map<String, Object> body) {
        return new ArrayList<>((List<String>) body.get("members"));
    }

    private String group(String id) {
        return "{\"id\":\"" + id + "\",\"conversation\":\"group:" + id + "\",\"name\":\"" + names.get(id)
                + "\",\"members\":" + groups.get(id).stream()
                .map(name -> "{\"username\":\"" + name + "\",\"role\":\"member\",\"joinedSeq\":1}")
                .collect(Collectors.joining(",", "[", "]")) + "}";
    }

    private static void problem(HttpExchange exchange, int status, String code, String detail) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
        answer(exchange, status, "{\"type\":\"https://reef.example/problems/" + code + "\",\"title\":\"t\",\"status\":"
                + status + ",\"detail\":\"" + detail + "\"}");
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
