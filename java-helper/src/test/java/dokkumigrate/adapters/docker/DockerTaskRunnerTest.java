package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRequest;
import dokkumigrate.run.TaskRunner.RunListener;
import dokkumigrate.run.TaskRunner.RunnerException;
import dokkumigrate.testsupport.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs tasks against the real Docker engine, in images the tests build themselves. */
class DockerTaskRunnerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String APP = "migrate-test";

    private final ProcessRunner processes = new ProcessRunner();
    private final DockerTaskRunner runner = new DockerTaskRunner(TestImages.DOCKER, processes);
    private final List<String> containers = new CopyOnWriteArrayList<>();
    private final RunListener recording = containers::add;

    @BeforeEach
    void needsDocker() {
        TestImages.assumeDocker();
    }

    @AfterEach
    void removeWhatARunnerLeftBehind() {
        containers.stream().filter(TestImages::containerExists).forEach(id -> TestImages.docker("container", "rm", "--force", id));
    }

    // ---- running, output, exit codes ----------------------------------------------------------

    @Test
    void successStreamsStdoutAndStderrAndRemovesTheContainer() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(release("echo hello; echo oops >&2; echo bye", TestImages.busybox()), output, recording);

        assertEquals(RunState.SUCCEEDED, outcome.state());
        assertEquals(Optional.of(0), outcome.exitCode());
        assertEquals("", outcome.detail());
        assertEquals(Set.of("hello", "oops", "bye"), Set.copyOf(utf8(output).lines().toList()));
        assertEquals(1, containers.size());
        assertFalse(TestImages.containerExists(containers.get(0)), "container removed after the run");
    }

    @Test
    void outputArrivesWhileTheTaskStillRuns(@TempDir Path dir) {
        // the task waits for a file that the test creates only once the task's first line has reached
        // it: output that arrived only at the end would leave the task waiting until its timeout
        Path go = dir.resolve("go");
        OutputStream output = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                try {
                    Files.writeString(go, "");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };

        RunOutcome outcome = runner.run(request(Phase.RELEASE,
                "echo first; while [ ! -e /sync/go ]; do sleep 0.1; done; echo second", TestImages.busybox(),
                Map.of(), List.of("--volume=" + dir + ":/sync"), TIMEOUT), output, recording);

        assertEquals(RunState.SUCCEEDED, outcome.state(), "the first line was not delivered while the task ran: " + outcome.detail());
    }

    @Test
    void failureKeepsExitCodeAndOutput() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(release("echo before; exit 3", TestImages.busybox()), output, recording);

        assertEquals(RunState.FAILED, outcome.state());
        assertEquals(Optional.of(3), outcome.exitCode());
        assertEquals("exited with code 3", outcome.detail());
        assertEquals("before\n", utf8(output));
        assertFalse(TestImages.containerExists(containers.get(0)));
    }

    @Test
    void timeoutKillsTheContainerQuickly() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        TaskRequest request = request(Phase.RELEASE, "echo started; sleep 600", TestImages.busybox(),
                Map.of(), List.of(), Duration.ofSeconds(2));
        long startedAt = System.nanoTime();

        RunOutcome outcome = runner.run(request, output, recording);

        assertEquals(RunState.TIMED_OUT, outcome.state());
        assertEquals("timed out after 2s; container killed", outcome.detail());
        // the task sleeps 600 s: ending well before that is the kill, however loaded the machine
        assertTrue(Duration.ofNanos(System.nanoTime() - startedAt).compareTo(Duration.ofSeconds(300)) < 0);
        assertEquals("started\n", utf8(output));
        assertFalse(TestImages.containerExists(containers.get(0)));
    }

    @Test
    void hundredMegabytesOfOutputStreamThrough() {
        long size = 100L * 1024 * 1024;
        CountingOutputStream counted = new CountingOutputStream();

        RunOutcome outcome = runner.run(release("head -c " + size + " /dev/zero", TestImages.busybox()), counted, recording);

        assertEquals(RunState.SUCCEEDED, outcome.state());
        assertEquals(size, counted.count());
        assertFalse(TestImages.containerExists(containers.get(0)));
    }

    @Test
    void bytesThatAreNoUtf8PassUnchanged() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(release("printf '\\xff\\xfe'", TestImages.busybox()), output, recording);

        assertEquals(RunState.SUCCEEDED, outcome.state());
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xfe}, output.toByteArray());
    }

    @Test
    void absoluteCommandThatIsNotExecutableFailsLikeInDokku() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(release("/bin/nonexistent --flag", TestImages.busybox()), output, recording);

        assertEquals(RunState.FAILED, outcome.state());
        assertEquals(Optional.of(1), outcome.exitCode());
        assertTrue(utf8(output).contains("specified binary is not executable"), utf8(output));
    }

    @Test
    void containerThatCannotStartIsAFailureWithDockersReason() {
        TaskRequest request = request(Phase.RELEASE, "true", TestImages.busybox(),
                Map.of(), List.of("--entrypoint=/nonexistent"), TIMEOUT);

        RunOutcome outcome = runner.run(request, new ByteArrayOutputStream(), recording);

        assertEquals(RunState.FAILED, outcome.state());
        assertEquals(Optional.empty(), outcome.exitCode());
        assertTrue(outcome.detail().startsWith("the container did not start: "), outcome.detail());
        assertTrue(outcome.detail().contains("/nonexistent"), outcome.detail());
        assertFalse(TestImages.containerExists(containers.get(0)));
    }

    // ---- config stays out of argv ---------------------------------------------------------------

    @Test
    void configValuesReachTheContainerButNeverTheDockerArgv(@TempDir Path dir) throws IOException {
        Path argvLog = dir.resolve("argv.log");
        Path wrapper = executable(dir.resolve("docker"),
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + argvLog + "'\nexec " + TestImages.DOCKER + " \"$@\"\n");
        DockerTaskRunner logged = new DockerTaskRunner(wrapper.toString(), processes);
        String secret = "s3cr3t-" + UUID.randomUUID();
        List<String> containerEnv = new CopyOnWriteArrayList<>();
        RunListener inspecting = id -> {
            containers.add(id);
            containerEnv.add(TestImages.dockerOk("container", "inspect", "--format", "{{json .Config.Env}}", id));
        };
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = logged.run(request(Phase.RELEASE, "echo \"secret=$APP_SECRET\"", TestImages.busybox(),
                Map.of("APP_SECRET", secret), List.of("--env=APP_SECRET"), TIMEOUT), output, inspecting);

        assertEquals(RunState.SUCCEEDED, outcome.state());
        assertEquals("secret=" + secret + "\n", utf8(output));
        assertTrue(containerEnv.get(0).contains("APP_SECRET=" + secret), "docker resolved --env=KEY from its environment");
        String argv = Files.readString(argvLog);
        assertTrue(argv.contains("container create") && argv.contains("--env=APP_SECRET"), argv);
        assertFalse(argv.contains(secret), "the value never appears in any docker argv");
    }

    // ---- predeploy commit ----------------------------------------------------------------------

    @Test
    void predeployIsCommittedIntoTheImageWhichKeepsItsCmd() {
        String image = TestImages.copyOf(shellFormCmdImage(), "dokku-migrate-test/predeploy");
        try {
            String before = runner.imageId(image);
            TaskRequest request = request(Phase.PREDEPLOY, "touch /predeploy-ran; echo done", image, Map.of(), List.of(), TIMEOUT);

            RunOutcome outcome = runner.run(request, new ByteArrayOutputStream(), recording);

            assertEquals(RunState.SUCCEEDED, outcome.state(), outcome.detail());
            assertNotEquals(before, runner.imageId(image), "the image now is the committed container");
            assertEquals("[\"/bin/sh\",\"-c\",\"echo serving\"]", config(image, "Cmd"));
            assertEquals("null", config(image, "Entrypoint"));
            assertEquals("true", label(image, "com.dokku.predeploy-phase"));
            assertEquals(APP, label(image, "com.dokku.app-name"));
            assertEquals("dokku", label(image, "org.label-schema.vendor"));
            assertEquals("", label(image, TaskRequest.RUN_ID_LABEL));
            assertTrue(TestImages.docker("run", "--rm", image, "test", "-f", "/predeploy-ran").ok(), "file kept in the image");
            assertFalse(TestImages.containerExists(containers.get(0)));

            String fromCommitted = TestImages.dockerOk("container", "create", image);
            containers.add(fromCommitted);
            assertEquals(List.of(), runner.removeContainersOfRun(request.runId()),
                    "containers of the committed image do not carry the run's label");
        } finally {
            TestImages.removeImage(image);
        }
    }

    @Test
    void predeployCommitLeavesNoConfigValueInTheImage() {
        String image = TestImages.copyOf(shellFormCmdImage(), "dokku-migrate-test/predeploy");
        try {
            TaskRequest request = request(Phase.PREDEPLOY, "printf %s \"$SECRET_KEY\" > /seen", image,
                    Map.of("SECRET_KEY", "hunter2 \"quoted\" $x"), List.of("--env=SECRET_KEY"), TIMEOUT);

            RunOutcome outcome = runner.run(request, new ByteArrayOutputStream(), recording);

            assertEquals(RunState.SUCCEEDED, outcome.state(), outcome.detail());
            assertEquals("hunter2 \"quoted\" $x", TestImages.dockerOk("run", "--rm", image, "cat", "/seen"),
                    "the task saw the value");
            String env = config(image, "Env");
            assertFalse(env.contains("hunter2"), "committed image env: " + env);
            assertTrue(env.contains("\"SECRET_KEY=\""), "the key is blanked: " + env);
            String metadata = TestImages.dockerOk("image", "inspect", image);
            assertFalse(metadata.contains("hunter2"), "docker commit's copy of the container config: " + metadata);
        } finally {
            TestImages.removeImage(image);
        }
    }

    @Test
    void predeployOnAnEntrypointImageRestoresEntrypointAndCmd() {
        String image = TestImages.copyOf(entrypointImage(), "dokku-migrate-test/predeploy");
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();

            RunOutcome outcome = runner.run(request(Phase.PREDEPLOY, "run touch /entry-ran", image, Map.of(), List.of(), TIMEOUT),
                    output, recording);

            assertEquals(RunState.SUCCEEDED, outcome.state(), outcome.detail());
            assertEquals("<run><touch></entry-ran>\n", utf8(output));
            assertEquals("[\"/usr/local/bin/entry\"]", config(image, "Entrypoint"));
            assertEquals("[\"web\"]", config(image, "Cmd"));
            assertTrue(TestImages.docker("run", "--rm", "--entrypoint", "/bin/test", image, "-f", "/entry-ran").ok());
        } finally {
            TestImages.removeImage(image);
        }
    }

    @Test
    void failedPredeployIsNotCommitted() {
        String image = TestImages.copyOf(TestImages.busybox(), "dokku-migrate-test/predeploy");
        try {
            String before = runner.imageId(image);

            RunOutcome outcome = runner.run(request(Phase.PREDEPLOY, "touch /half-done; exit 1", image, Map.of(), List.of(), TIMEOUT),
                    new ByteArrayOutputStream(), recording);

            assertEquals(RunState.FAILED, outcome.state());
            assertEquals(before, runner.imageId(image));
        } finally {
            TestImages.removeImage(image);
        }
    }

    // ---- how each kind of image runs the task ----------------------------------------------------

    @Test
    void entrypointImageGetsTheCommandAsArguments() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(release("greet --name 'two words' \"x y\" a\\ b", entrypointImage()), output, recording);

        assertEquals(RunState.SUCCEEDED, outcome.state());
        assertEquals("<greet><--name><two words><x y><a b>\n", utf8(output));
    }

    @Test
    void tiniEntrypointStillRunsTheCommandInAShell() {
        String image = TestImages.build("dokku-migrate-test/tini:1", String.join("\n",
                "FROM " + TestImages.busybox(),
                "RUN printf '%s\\n' '#!/bin/sh' '[ \"$1\" = -- ] && shift' 'exec \"$@\"' > /tini && chmod 755 /tini",
                "ENTRYPOINT [\"/tini\", \"--\"]"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        RunOutcome outcome = runner.run(release("echo \"sum=$((1 + 2))\"", image), output, recording);

        assertEquals(RunState.SUCCEEDED, outcome.state());
        assertEquals("sum=3\n", utf8(output));
    }

    @Test
    void herokuishImageRunsInAppWithTheProfileSourced() {
        String image = TestImages.build("dokku-migrate-test/herokuish:1", String.join("\n",
                "FROM " + TestImages.busybox(),
                "ENV USER=herokuishuser",
                "RUN mkdir -p /app/.profile.d && echo 'export PROFILE_VAR=from-profile' > /app/.profile.d/00-test.sh"));
        String app = "migrate-test-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            TaskRequest request = new TaskRequest(app, Phase.RELEASE, "echo \"home=$HOME pwd=$(pwd) var=$PROFILE_VAR\"",
                    image, newRunId(), Map.of(), List.of(), List.of(), "/bin/bash", TIMEOUT);

            RunOutcome outcome = runner.run(request, output, recording);

            assertEquals(RunState.SUCCEEDED, outcome.state(), outcome.detail());
            assertEquals("home=/app pwd=/app var=from-profile\n", utf8(output));
        } finally {
            TestImages.docker("volume", "rm", "--force", "cache-" + app);
        }
    }

    @Test
    void cnbImageRunsThroughTheLauncherAndKeepsItsEntrypointAfterPredeploy() {
        String base = TestImages.build("dokku-migrate-test/cnb:1", String.join("\n",
                "FROM " + TestImages.busybox(),
                "LABEL io.buildpacks.stack.id=test.stack",
                "RUN mkdir -p /cnb/lifecycle /cnb/process"
                        + " && printf '%s\\n' '#!/bin/sh' 'exec \"$@\"' > /cnb/lifecycle/launcher"
                        + " && printf '%s\\n' '#!/bin/sh' 'echo web process' > /cnb/process/web"
                        + " && chmod 755 /cnb/lifecycle/launcher /cnb/process/web",
                "ENTRYPOINT [\"/cnb/process/web\"]"));
        String image = TestImages.copyOf(base, "dokku-migrate-test/predeploy");
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();

            RunOutcome outcome = runner.run(request(Phase.PREDEPLOY, "echo \"cnb $((2 + 2))\"", image, Map.of(), List.of(), TIMEOUT),
                    output, recording);

            assertEquals(RunState.SUCCEEDED, outcome.state(), outcome.detail());
            assertEquals("cnb 4\n", utf8(output));
            assertEquals("[\"/cnb/process/web\"]", config(image, "Entrypoint"));
            assertEquals("herokuish", runner.imageSourceType(image, ImageConfig.DEFAULT_HEROKUISH_USER));
        } finally {
            TestImages.removeImage(image);
        }
    }

    @Test
    void imageSourceTypeOfADockerfileImage() {
        assertEquals("dockerfile", runner.imageSourceType(TestImages.busybox(), ImageConfig.DEFAULT_HEROKUISH_USER));
    }

    // ---- docker failures -----------------------------------------------------------------------

    @Test
    void missingImageIsARunnerErrorAndCreatesNothing() {
        RunnerException error = assertThrows(RunnerException.class, () ->
                runner.run(release("true", "dokku-migrate-test/missing:" + UUID.randomUUID()), new ByteArrayOutputStream(), recording));

        assertTrue(error.getMessage().toLowerCase(Locale.ROOT).contains("no such image"), error.getMessage());
        assertEquals(List.of(), containers);
    }

    @Test
    void unreachableEngineIsARunnerError() {
        DockerTaskRunner unreachable = new DockerTaskRunner(TestImages.DOCKER,
                new ProcessRunner(Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock")));

        RunnerException error = assertThrows(RunnerException.class, () ->
                unreachable.run(release("true", TestImages.busybox()), new ByteArrayOutputStream(), recording));

        assertTrue(error.getMessage().contains("/nonexistent/docker.sock"), error.getMessage());
        assertThrows(RunnerException.class, () -> unreachable.imageId(TestImages.busybox()));
    }

    @Test
    void imageIdOfExistingAndMissingImages() {
        assertTrue(runner.imageId(TestImages.busybox()).startsWith("sha256:"));
        assertEquals("", runner.imageId("dokku-migrate-test/missing:" + UUID.randomUUID()));
    }

    // ---- cleaning up and stopping ----------------------------------------------------------------

    @Test
    void removeContainersOfRunFindsLeftoversByLabel() {
        long runId = newRunId();
        String leftover = TestImages.dockerOk("container", "run", "--detach",
                "--label=" + TaskRequest.RUN_ID_LABEL + "=" + runId, TestImages.busybox(), "sleep", "600");
        String otherRun = TestImages.dockerOk("container", "create",
                "--label=" + TaskRequest.RUN_ID_LABEL + "=" + (runId + 1), TestImages.busybox(), "true");
        containers.addAll(List.of(leftover, otherRun));

        assertEquals(List.of(leftover), runner.removeContainersOfRun(runId));

        assertFalse(TestImages.containerExists(leftover));
        assertTrue(TestImages.containerExists(otherRun), "another run's container is left alone");
        assertEquals(List.of(), runner.removeContainersOfRun(runId));
    }

    @Test
    void stopByContainerFromAnotherThreadInterruptsTheRun() throws Exception {
        assertStopInterrupts((request, containerId) -> runner.stop(containerId));
    }

    @Test
    void stopByRunIdFromAnotherThreadInterruptsTheRun() throws Exception {
        assertStopInterrupts((request, containerId) -> runner.stop(request.runId()));
    }

    @Test
    void runStoppedBeforeItStartedNeverCreatesAContainer() {
        TaskRequest request = release("echo should not run", TestImages.busybox());
        runner.stop(request.runId());

        RunOutcome outcome = runner.run(request, new ByteArrayOutputStream(), recording);

        assertEquals(RunState.INTERRUPTED, outcome.state());
        assertEquals(List.of(), containers);
    }

    private void assertStopInterrupts(Stopper stopper) throws Exception {
        WatchedOutput output = new WatchedOutput();
        TaskRequest request = release("echo started; sleep 600", TestImages.busybox());
        CompletableFuture<RunOutcome> running = CompletableFuture.supplyAsync(() -> runner.run(request, output, recording));
        assertTrue(output.started(30), "the task started");
        long stoppedAt = System.nanoTime();

        stopper.stop(request, containers.get(0));
        RunOutcome outcome = running.get(30, TimeUnit.SECONDS);

        assertEquals(RunState.INTERRUPTED, outcome.state());
        assertEquals(Optional.empty(), outcome.exitCode());
        // the task sleeps 600 s: ending well before that is the stop, however loaded the machine
        assertTrue(Duration.ofNanos(System.nanoTime() - stoppedAt).compareTo(Duration.ofSeconds(300)) < 0);
        assertFalse(TestImages.containerExists(containers.get(0)));
    }

    private interface Stopper {
        void stop(TaskRequest request, String containerId);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static TaskRequest release(String command, String image) {
        return request(Phase.RELEASE, command, image, Map.of(), List.of(), TIMEOUT);
    }

    private static TaskRequest request(Phase phase, String command, String image, Map<String, String> env,
                                       List<String> dockerArgs, Duration timeout) {
        return new TaskRequest(APP, phase, command, image, newRunId(), env, dockerArgs, List.of(), "/bin/bash", timeout);
    }

    /** Run ids unlikely to collide with those of other test runs on the same engine. */
    private static long newRunId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE / 2);
    }

    /** Busybox with {@code CMD echo serving} (stored as {@code ["/bin/sh","-c","echo serving"]}). */
    private static String shellFormCmdImage() {
        return TestImages.build("dokku-migrate-test/shell-cmd:1", "FROM " + TestImages.busybox() + "\nCMD echo serving\n");
    }

    /** An image whose ENTRYPOINT prints each argument as {@code <arg>}, and runs {@code run CMD...}. */
    private static String entrypointImage() {
        return TestImages.build("dokku-migrate-test/entrypoint:1", String.join("\n",
                "FROM " + TestImages.busybox(),
                "RUN printf '%s\\n' '#!/bin/sh' 'printf \"<%s>\" \"$@\"' 'echo'"
                        + " 'if [ \"$1\" = run ]; then shift; exec \"$@\"; fi' > /usr/local/bin/entry"
                        + " && chmod 755 /usr/local/bin/entry",
                "ENTRYPOINT [\"/usr/local/bin/entry\"]",
                "CMD [\"web\"]"));
    }

    private static String config(String image, String field) {
        return TestImages.dockerOk("image", "inspect", "--format", "{{json .Config." + field + "}}", image);
    }

    private static String label(String image, String label) {
        return TestImages.dockerOk("image", "inspect", "--format", "{{index .Config.Labels \"" + label + "\"}}", image);
    }

    private static String utf8(ByteArrayOutputStream output) {
        return output.toString(StandardCharsets.UTF_8);
    }

    private static Path executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Counts bytes instead of keeping them. */
    private static final class CountingOutputStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }

        long count() {
            return count;
        }
    }
}
