package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRequest;
import dokkumigrate.run.TaskRunner.RunListener;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner over the engine's API, seen through a proxy in front of the real engine: which
 * requests were made, by whom, and what happens when the engine dies or hangs mid-run.
 */
class DockerTaskRunnerApiTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern REQUEST_LINE = Pattern.compile("(?m)^(GET|POST|DELETE|HEAD) (\\S+) HTTP/1.1$");
    private static final Pattern USER_AGENT = Pattern.compile("(?m)^User-Agent: ([^\r\n]*)$");

    @TempDir
    Path dir;

    private EngineProxy proxy;
    private DockerTaskRunner runner;
    private final List<String> containers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startProxy() throws Exception {
        TestImages.assumeDocker();
        assertTrue(DockerAccess.of("docker", new ProcessRunner()).usesEngineApi(),
                "these tests need DOCKER_HOST unset or unix://");
        proxy = EngineProxy.start(dir.resolve("engine.sock"));
        runner = new DockerTaskRunner("docker", new ProcessRunner(Map.of("DOCKER_HOST", proxy.dockerHost())), false);
    }

    @AfterEach
    void cleanUp() {
        proxy.close();
        containers.stream().filter(TestImages::containerExists)
                .forEach(id -> TestImages.docker("container", "rm", "--force", id));
    }

    @Test
    void everyStepIsAnEngineRequestAndConfigValuesTravelOnlyInTheCreateBody() {
        String secret = "s3cr3t-" + UUID.randomUUID();
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(request("echo \"secret=$APP_SECRET\"; echo oops >&2", Map.of("APP_SECRET", secret),
                List.of("--env=APP_SECRET"), TIMEOUT), output, containers::add);

        assertEquals(RunState.SUCCEEDED, outcome.state(), outcome.detail());
        assertEquals(List.of("oops", "secret=" + secret), utf8(output).lines().sorted().toList());
        assertFalse(TestImages.containerExists(containers.get(0)));
        List<String> requests = proxy.requests();
        assertEquals(List.of("dokku-migrate"), requests.stream().flatMap(r -> all(USER_AGENT, r).stream()).distinct().toList(),
                "no docker client made any request: " + requests);
        List<String> lines = requests.stream().flatMap(r -> all(REQUEST_LINE, r).stream()).toList();
        assertTrue(lines.stream().anyMatch(line -> line.matches("GET /v1\\.[0-9]+/images/.*/json")), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.matches("POST /v1\\.[0-9]+/containers/create")), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.matches("POST /v1\\.[0-9]+/containers/[0-9a-f]{64}/attach\\?.*")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.matches("DELETE /v1\\.[0-9]+/containers/[0-9a-f]{64}\\?force=1")),
                lines.toString());
        List<String> holding = requests.stream().filter(r -> r.contains(secret)).toList();
        assertEquals(1, holding.size(), "the value is sent once");
        assertTrue(holding.get(0).startsWith("POST /v") && holding.get(0).contains("/containers/create HTTP/1.1"),
                "in the create request");
        assertTrue(holding.get(0).contains("\"APP_SECRET=" + secret + "\""), "in its body's Env");
        assertFalse(lines.stream().anyMatch(line -> line.contains(secret)), "never in a URL");
    }

    @Test
    void anOptionTheApiPathDoesNotTranslateIsCreatedByTheClientAndTheRestStaysOnTheApi() throws Exception {
        Path envFile = java.nio.file.Files.writeString(dir.resolve("env"), "FROM_FILE=yes\n");
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(request("echo \"$FROM_FILE $APP_SECRET\"", Map.of("APP_SECRET", "x"),
                List.of("--env=APP_SECRET", "--env-file=" + envFile), TIMEOUT), output, containers::add);

        assertEquals(RunState.SUCCEEDED, outcome.state(), outcome.detail());
        assertEquals("yes x\n", utf8(output), "the --env-file option was not dropped");
        assertFalse(TestImages.containerExists(containers.get(0)));
        List<String> byClient = proxy.requests().stream().filter(r -> !r.contains("User-Agent: dokku-migrate\r\n")).toList();
        assertTrue(byClient.stream().anyMatch(r -> Pattern.compile("(?s)POST /v[0-9.]+/containers/create.*FROM_FILE=yes").matcher(r).find()),
                "the docker client created the container: " + byClient);
        assertFalse(byClient.stream().anyMatch(r -> r.contains("/attach") || r.contains("/start") || r.contains("DELETE ")),
                "the other steps were engine requests: " + byClient);
    }

    @Test
    void aContainerWithATtyStreamsRawOutput() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(request("echo hello; exit 4", Map.of(), List.of("--tty"), TIMEOUT), output,
                containers::add);

        assertEquals(RunState.FAILED, outcome.state());
        assertEquals(Optional.of(4), outcome.exitCode());
        assertEquals("hello\r\n", utf8(output), "a TTY turns \\n into \\r\\n, and there are no frame headers");
    }

    @Test
    void engineDyingMidRunInterruptsTheRunWithTheReason() throws Exception {
        WatchedOutput output = new WatchedOutput();
        TaskRequest request = request("echo 'partial output'; sleep 600", Map.of(), List.of(), TIMEOUT);
        CompletableFuture<RunOutcome> running = CompletableFuture.supplyAsync(() -> runner.run(request, output, containers::add));
        assertTrue(output.started(60), "the task started");

        proxy.kill();
        RunOutcome outcome = running.get(120, TimeUnit.SECONDS);

        assertEquals(RunState.INTERRUPTED, outcome.state());
        assertTrue(outcome.detail().startsWith("lost contact with the Docker engine"), outcome.detail());
        assertTrue(outcome.detail().contains("Cannot connect to the Docker daemon at " + proxy.dockerHost()), outcome.detail());
        assertTrue(outcome.detail().contains("could not be removed"), outcome.detail());
        assertTrue(output.text().contains("partial output"), output.text());
    }

    @Test
    void hungEngineDoesNotKeepTheRunPastItsTimeout() throws Exception {
        WatchedOutput output = new WatchedOutput();
        TaskRequest request = request("echo 'partial output'; sleep 600", Map.of(), List.of(), Duration.ofSeconds(20));
        long startedAt = System.nanoTime();
        CompletableFuture<RunOutcome> running = CompletableFuture.supplyAsync(() -> runner.run(request, output, containers::add));
        assertTrue(output.started(60), "the task started");

        proxy.freeze();
        RunOutcome outcome = running.get(280, TimeUnit.SECONDS);

        assertEquals(RunState.TIMED_OUT, outcome.state());
        assertTrue(outcome.detail().startsWith("timed out after 20s; killing the container failed: Cannot connect"),
                outcome.detail());
        // the task sleeps 600 s: ending well before that is the timeout, however loaded the machine
        assertTrue(Duration.ofNanos(System.nanoTime() - startedAt).compareTo(Duration.ofSeconds(300)) < 0);
    }

    private static TaskRequest request(String command, Map<String, String> env, List<String> dockerArgs, Duration timeout) {
        return new TaskRequest("migrate-test", Phase.RELEASE, command, TestImages.busybox(),
                ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE / 2), env, dockerArgs, List.of(),
                "/bin/bash", timeout);
    }

    private static List<String> all(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        List<String> found = new java.util.ArrayList<>();
        while (matcher.find()) {
            found.add(matcher.groupCount() == 2 ? matcher.group(1) + " " + matcher.group(2) : matcher.group(1));
        }
        return found;
    }

    private static String utf8(ByteArrayOutputStream output) {
        return output.toString(StandardCharsets.UTF_8);
    }
}
