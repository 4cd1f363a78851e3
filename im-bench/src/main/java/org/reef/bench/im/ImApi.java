package org.reef.bench.im;

import org.reef.bench.report.JsonLine;
import org.reef.bench.run.BenchException;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The few calls of Reef's HTTP API (docs/protocol.md, "HTTP API" and "Groups") that set a benchmark up: register
 * users, log them in, list, create and fill groups. Synchronous, one request per call, each bounded by the request
 * timeout; safe to call from several threads. Tokens and passwords never appear in an error message.
 */
public final class ImApi {

    private static final String JSON = "application/json";

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    /** @param base e.g. {@code http://127.0.0.1:8080/api/v1} ({@link #base}) */
    public ImApi(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    public static URI base(InetAddress host, int port) {
        String address = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return URI.create("http://" + address + ":" + port + "/api/v1");
    }

    public URI base() {
        return base;
    }

    /**
     * {@code POST /users}.
     *
     * @return true when the user was created, false when the name was taken (409): a user of an earlier run
     */
    public boolean register(String username, String password, String displayName)
            throws BenchException, InterruptedException {
        String body = new JsonLine().put("username", username).put("password", password)
                .put("displayName", displayName).toString();
        HttpResponse<String> answer = send(post("/users", null, body), "registering " + username);
        if (answer.statusCode() == 201) {
            return true;
        }
        if (answer.statusCode() == 409) {
            return false;
        }
        throw failed("registering " + username, answer);
    }

    /** {@code POST /tokens}: a bearer token, also the MQTT password. */
    public String login(String username, String password) throws BenchException, InterruptedException {
        String body = new JsonLine().put("username", username).put("password", password).toString();
        String what = "logging in " + username;
        HttpResponse<String> answer = send(post("/tokens", null, body), what);
        if (answer.statusCode() != 201 && answer.statusCode() != 200) {
            throw failed(what, answer);
        }
        String token = Json.string(object(answer, what), "token");
        if (token == null || token.isEmpty()) {
            throw new BenchException(what + ": the answer has no token");
        }
        return token;
    }

    /** {@code POST /groups} as the owner of {@code token}, with these members besides the owner. */
    public Group createGroup(String token, String name, List<String> members)
            throws BenchException, InterruptedException {
        String body = "{\"name\":" + JsonLine.quote(name) + ",\"members\":" + array(members) + "}";
        String what = "creating group " + name;
        HttpResponse<String> answer = send(post("/groups", token, body), what);
        if (answer.statusCode() != 201 && answer.statusCode() != 200) {
            throw failed(what, answer);
        }
        Group group = group(object(answer, what));
        if (group == null) {
            throw new BenchException(what + ": the answer has no usable id");
        }
        return group;
    }

    /**
     * {@code GET /groups}: the caller's groups.
     *
     * @return null when the server has no such call (404, 405)
     */
    public List<Group> groups(String token) throws BenchException, InterruptedException {
        String what = "listing groups";
        HttpResponse<String> answer = send(request("/groups", token).GET(), what);
        if (answer.statusCode() == 404 || answer.statusCode() == 405) {
            return null;
        }
        if (answer.statusCode() != 200) {
            throw failed(what, answer);
        }
        List<Group> groups = new ArrayList<>();
        if (object(answer, what).get("items") instanceof List<?> items) {
            for (Object item : items) {
                Group group = item instanceof Map<?, ?> map ? group(cast(map)) : null;
                if (group != null) {
                    groups.add(group);
                }
            }
        }
        return groups;
    }

    /**
     * {@code POST /groups/{id}/members}.
     *
     * @return the group's members now, when the answer says, else null
     */
    public List<String> addMembers(String token, String groupId, List<String> members)
            throws BenchException, InterruptedException {
        String what = "adding " + members.size() + " members to group " + groupId;
        HttpResponse<String> answer = send(post("/groups/" + groupId + "/members", token,
                "{\"members\":" + array(members) + "}"), what);
        if (answer.statusCode() / 100 != 2) {
            throw failed(what, answer);
        }
        try {
            return usernames(Json.object(answer.body()));
        } catch (IllegalArgumentException noGroupInTheAnswer) {
            return null;
        }
    }

    /**
     * A group as the server described it.
     *
     * @param conversation {@code group:{id}}, the address to send to
     * @param members      the members' user names, null when the answer did not list them
     */
    public record Group(String id, String conversation, String name, List<String> members) {
    }

    private static Group group(Map<String, Object> group) {
        String id = Json.string(group, "id");
        if (id == null || !id.matches("[A-Za-z0-9_.~-]{1,128}")) {
            return null;
        }
        String conversation = Json.string(group, "conversation");
        return new Group(id, conversation == null ? "group:" + id : conversation, Json.string(group, "name"),
                usernames(group));
    }

    /** The user names of a group's {@code members}: objects with a {@code username}, or plain names. */
    private static List<String> usernames(Map<String, Object> group) {
        if (!(group.get("members") instanceof List<?> members)) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (Object member : members) {
            if (member instanceof String name) {
                names.add(name);
            } else if (member instanceof Map<?, ?> map && map.get("username") instanceof String name) {
                names.add(name);
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Accept", JSON);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpRequest.Builder post(String path, String token, String body) {
        return request(path, token).header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String what)
            throws BenchException, InterruptedException {
        HttpRequest built = request.build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BenchException(what + ": " + built.method() + " " + built.uri() + " failed ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); is Reef's HTTP API there?", e);
        }
    }

    private static Map<String, Object> object(HttpResponse<String> answer, String what) throws BenchException {
        try {
            return Json.object(answer.body());
        } catch (IllegalArgumentException e) {
            throw new BenchException(what + ": the answer is not a JSON object (" + e.getMessage() + ")");
        }
    }

    /** The status and, from a problem+json answer (RFC 9457), its type's last segment and detail. */
    private static BenchException failed(String what, HttpResponse<String> answer) {
        StringBuilder message = new StringBuilder(what).append(": HTTP ").append(answer.statusCode());
        try {
            Map<String, Object> problem = Json.object(answer.body());
            String type = Json.string(problem, "type");
            String detail = Json.string(problem, "detail");
            if (type != null) {
                message.append(' ').append(type.substring(type.lastIndexOf('/') + 1));
            }
            if (detail != null) {
                message.append(": ").append(detail);
            }
        } catch (IllegalArgumentException notAProblem) {
            // the status says enough
        }
        return new BenchException(message.toString());
    }

    private static String array(List<String> items) {
        return items.stream().map(JsonLine::quote).collect(Collectors.joining(",", "[", "]"));
    }
}
