package dokkumigrate.adapters.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dokkumigrate.adapters.docker.EngineHttp.Exchange;
import dokkumigrate.adapters.docker.EngineHttp.Response;
import dokkumigrate.adapters.process.ProcessRunner.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Docker operations over the engine's API on its UNIX socket: no docker process per step. A
 * create whose options include one {@link CreateRequest} does not translate exactly is handed to
 * the docker client (that one call only). The API version is the engine's own, capped at the
 * newest this class was written for, as the client negotiates it (or DOCKER_API_VERSION).
 */
final class EngineApi implements DockerEngine {

    /** The newest API version whose requests and answers this class was written against. */
    static final String NEWEST_KNOWN_VERSION = "1.45";
    /** What an engine that does not say its version is taken to serve (as the docker client does). */
    private static final String FALLBACK_VERSION = "1.24";
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(30);
    /** {@code os.ModeSymlink} in the engine's file stat. */
    private static final long MODE_SYMLINK = 1L << 27;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EngineHttp http;
    private final DockerCli client;
    private final Function<String, String> environment;
    private final Map<String, Boolean> ttyOf = new ConcurrentHashMap<>();
    private String version;

    /**
     * @param client      the docker client, for a create only it reads exactly
     * @param environment the docker client's environment (DOCKER_API_VERSION, and {@code --env KEY} values)
     */
    EngineApi(EngineHttp http, DockerCli client, Function<String, String> environment) {
        this.http = Objects.requireNonNull(http, "http");
        this.client = Objects.requireNonNull(client, "client");
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    @Override
    public Result inspectImage(String image) {
        return call("GET", "/images/" + path(image) + "/json", null, COMMAND_TIMEOUT, Response::text);
    }

    @Override
    public Result create(List<String> args, Map<String, String> env) {
        CreateRequest request;
        try {
            request = CreateRequest.of(args, key -> env.containsKey(key) ? env.get(key) : environment.apply(key));
        } catch (CreateRequest.Untranslatable e) {
            return client.create(args, env);
        }
        String query = request.name() == null ? "" : "?name=" + query(request.name());
        Result created = call("POST", "/containers/create" + query, request.body(), COMMAND_TIMEOUT,
                response -> field(response, "Id") + "\n");
        if (created.ok()) {
            ttyOf.put(created.stdout().strip(), request.tty());
        }
        return created;
    }

    @Override
    public Process startAttached(String containerId) {
        Exchange attach = null;
        try {
            boolean tty = tty(containerId);
            attach = http.stream("POST", versioned("/containers/" + path(containerId)
                    + "/attach?stream=1&stdout=1&stderr=1"), null, true, COMMAND_TIMEOUT);
            if (!attach.ok()) {
                String problem = "Error response from daemon: " + message(attach.status(), attach.body().readAllBytes());
                attach.close();
                return EngineStream.ended(problem + "\n", "", 1);
            }
            Response started = http.call("POST", versioned("/containers/" + path(containerId) + "/start"), null,
                    COMMAND_TIMEOUT);
            if (!started.ok() && started.status() != 304) {
                attach.close();
                return EngineStream.ended("Error response from daemon: " + message(started.status(), started.body())
                        + "\n", "", 1);
            }
            InputStream output = attach.body();
            return EngineStream.of(tty ? output : new MultiplexedStream(output), attach);
        } catch (IOException e) {
            if (attach != null) {
                attach.close();
            }
            return EngineStream.ended(failureText(e) + "\n", "", 1);
        }
    }

    @Override
    public Process startWait(String containerId) {
        try {
            Exchange wait = http.stream("POST", versioned("/containers/" + path(containerId) + "/wait"), null, false,
                    COMMAND_TIMEOUT);
            if (!wait.ok()) {
                String problem = "Error response from daemon: " + message(wait.status(), wait.body().readAllBytes());
                wait.close();
                return EngineStream.ended(problem + "\n", "", 1);
            }
            return EngineStream.of(wait.body(), wait);
        } catch (IOException e) {
            return EngineStream.ended(failureText(e) + "\n", "", 1);
        }
    }

    @Override
    public Result state(String containerId) {
        return call("GET", "/containers/" + path(containerId) + "/json", null, COMMAND_TIMEOUT,
                response -> JSON.readTree(response.body()).path("State").toString());
    }

    @Override
    public Result kill(String containerId) {
        return call("POST", "/containers/" + path(containerId) + "/kill", null, COMMAND_TIMEOUT, response -> "");
    }

    @Override
    public Result remove(List<String> containerIds) {
        StringBuilder removed = new StringBuilder();
        StringBuilder errors = new StringBuilder();
        int exitCode = 0;
        for (String id : containerIds) {
            Result result = call("DELETE", "/containers/" + path(id) + "?force=1", null, COMMAND_TIMEOUT,
                    response -> "");
            ttyOf.remove(id);
            if (result.ok()) {
                removed.append(id).append('\n');
            } else {
                errors.append(result.stderr());
                exitCode = exitCode == 0 ? result.exitCode() : exitCode;
            }
        }
        return new Result(exitCode, removed.toString(), errors.toString());
    }

    @Override
    public Result containersLabelled(String label) {
        String filters = JSON.createObjectNode().set("label", JSON.createArrayNode().add(label)).toString();
        return call("GET", "/containers/json?all=1&filters=" + query(filters), null, COMMAND_TIMEOUT, response -> {
            StringBuilder ids = new StringBuilder();
            for (JsonNode container : JSON.readTree(response.body())) {
                ids.append(container.path("Id").asText()).append('\n');
            }
            return ids.toString();
        });
    }

    @Override
    public Result commit(List<String> changes, String containerId, String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > slash && !image.contains("@");
        StringBuilder target = new StringBuilder("/commit?container=").append(query(containerId))
                .append("&repo=").append(query(tagged ? image.substring(0, colon) : image))
                .append("&tag=").append(query(tagged ? image.substring(colon + 1) : ""));
        for (String change : changes) {
            target.append("&changes=").append(query(change));
        }
        return call("POST", target.toString(), null, COMMIT_TIMEOUT, response -> field(response, "Id") + "\n");
    }

    @Override
    public Process copyFrom(String containerId, String path) {
        try {
            Exchange archive = archive(containerId, path);
            if (archive.ok()) {
                String target = symlinkTarget(archive, path);
                if (target == null) {
                    return EngineStream.of(archive.body(), archive);
                }
                archive.close();
                archive = archive(containerId, target);
            }
            if (!archive.ok()) {
                String problem = message(archive.status(), archive.body().readAllBytes());
                archive.close();
                return EngineStream.ended("", "Error response from daemon: " + problem + "\n", 1);
            }
            return EngineStream.of(archive.body(), archive);
        } catch (IOException e) {
            return EngineStream.ended("", failureText(e) + "\n", 1);
        }
    }

    private Exchange archive(String containerId, String path) throws IOException {
        return http.stream("GET", versioned("/containers/" + path(containerId) + "/archive?path=" + query(path)),
                null, false, COMMAND_TIMEOUT);
    }

    /** Where a symlink at {@code path} points (as {@code docker cp --follow-link} follows it), or null. */
    private static String symlinkTarget(Exchange archive, String path) throws IOException {
        String stat = archive.headers().get("x-docker-container-path-stat");
        if (stat == null) {
            return null;
        }
        JsonNode node = JSON.readTree(Base64.getDecoder().decode(stat));
        if ((node.path("mode").asLong() & MODE_SYMLINK) == 0) {
            return null;
        }
        String target = node.path("linkTarget").asText("");
        if (target.isEmpty()) {
            return null;
        }
        return target.startsWith("/") ? target : path.substring(0, path.lastIndexOf('/') + 1) + target;
    }

    /** Whether the container has a TTY: known from its create, or asked. */
    private boolean tty(String containerId) throws IOException {
        Boolean known = ttyOf.get(containerId);
        if (known != null) {
            return known;
        }
        Response inspected = http.call("GET", versioned("/containers/" + path(containerId) + "/json"), null,
                COMMAND_TIMEOUT);
        return inspected.ok() && JSON.readTree(inspected.body()).path("Config").path("Tty").asBoolean(false);
    }

    /** What a successful answer prints, as the client would. */
    private interface Printer {
        String print(Response response) throws IOException;
    }

    private Result call(String method, String target, byte[] body, Duration timeout, Printer printer) {
        try {
            Response response = http.call(method, versioned(target), body, timeout);
            if (!response.ok()) {
                return new Result(1, "", "Error response from daemon: " + message(response.status(), response.body())
                        + "\n");
            }
            return new Result(0, printer.print(response), "");
        } catch (IOException e) {
            return failure(e);
        }
    }

    /** A failed exchange as the client reports it; an interrupted one as {@link dokkumigrate.adapters.process.ProcessRunner} does. */
    private Result failure(IOException e) {
        if (e instanceof ClosedByInterruptException) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Docker engine", e);
        }
        if (e instanceof EngineHttp.TimedOut) {
            return new Result(124, "", "");
        }
        if (e instanceof EngineHttp.Unreachable) {
            return new Result(1, "", e.getMessage());
        }
        return new Result(1, "", "error during connect: " + http.address() + ": " + e.getMessage());
    }

    /** A failed exchange in one line, for a stream's output: what the client would print. */
    private String failureText(IOException e) {
        String printed = failure(e).stderr().strip();
        return printed.isEmpty() ? e.getMessage() : printed;
    }

    private String versioned(String target) throws IOException {
        return "/v" + version() + target;
    }

    /** The API version to speak: DOCKER_API_VERSION, else the engine's (asked once), capped at the newest known. */
    private synchronized String version() throws IOException {
        if (version == null) {
            String pinned = environment.apply("DOCKER_API_VERSION");
            if (pinned != null && pinned.matches("[0-9]+\\.[0-9]+")) {
                version = pinned;
            } else {
                Response ping = http.call("GET", "/_ping", null, PING_TIMEOUT);
                String served = ping.headers().getOrDefault("api-version", FALLBACK_VERSION);
                version = served.matches("[0-9]+\\.[0-9]+") && older(served, NEWEST_KNOWN_VERSION)
                        ? served : NEWEST_KNOWN_VERSION;
            }
        }
        return version;
    }

    /** Whether API version {@code a} is older than (or as old as) {@code b}. */
    static boolean older(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return major < 0 || major == 0 && Integer.parseInt(x[1]) <= Integer.parseInt(y[1]);
    }

    private static String field(Response response, String name) throws IOException {
        return JSON.readTree(response.body()).path(name).asText();
    }

    /** The engine's error message ({@code {"message": "..."}}), or its answer as text. */
    static String message(int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException notJson) {
            // a plain-text answer: shown as it is
        }
        return text.isEmpty() ? "HTTP status " + status : text;
    }

    /** A path segment (an image reference or a container id), percent-encoded where it must be. */
    static String path(String segment) {
        StringBuilder encoded = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/:@".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
