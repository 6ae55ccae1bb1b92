package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.process.ProcessRunner.Result;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.run.ImageKind;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.ShellWords;
import dokkumigrate.run.TaskRequest;
import dokkumigrate.run.TaskRunner;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a deployment task the way Dokku's app-json plugin does: {@code docker container create}
 * from the deploying image (config in the create request's body, or in the docker client's
 * environment when the client runs; never in argv),
 * start it with its output streamed live, wait for it within the request's timeout, commit a
 * successful predeploy container back into the image, and always remove the container. Each step
 * goes over the engine's API on its socket, or through the docker client ({@link DockerAccess}).
 *
 * <p>A run can be stopped from another thread (e.g. a shutdown hook) with {@link #stop(String)}.
 */
public final class DockerTaskRunner implements TaskRunner {

    /** Dokku's default docker binary, when DOCKER_BIN is not set. */
    public static final String DEFAULT_DOCKER_BIN = "docker";
    /** The app config key that names the user of a herokuish image. */
    public static final String APP_USER_VARIABLE = "DOKKU_APP_USER";

    private static final Optional<Integer> NO_EXIT_CODE = Optional.empty();
    private static final Optional<Integer> EXITED_0 = Optional.of(0);
    private static final byte[] NO_OUTPUT = new byte[0];
    /** How long the attached docker client and the output pump may take to end once the container has. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final DockerEngine docker;
    private final ImageInspections inspections;
    private final boolean trace;
    private final Map<String, ActiveRun> activeRuns = new ConcurrentHashMap<>();
    private final Set<Long> stoppedRuns = ConcurrentHashMap.newKeySet();

    /** As {@link #DockerTaskRunner(String, ProcessRunner, boolean)}, without tracing. */
    public DockerTaskRunner(String dockerBin, ProcessRunner processes) {
        this(dockerBin, processes, false);
    }

    /**
     * @param dockerBin Dokku's DOCKER_BIN ({@link #DEFAULT_DOCKER_BIN} by default): any other binary
     *                  is run for every step ({@link DockerAccess})
     * @param trace     DOKKU_TRACE=1: the task's script runs with {@code set -x} and sees DOKKU_TRACE=1
     */
    public DockerTaskRunner(String dockerBin, ProcessRunner processes, boolean trace) {
        this(ImageInspections.uncached(processes, dockerBin), trace);
    }

    /**
     * @param inspections where image inspections come from, and the connection to Docker every step
     *                    uses: shared with the boot-migration scan in one helper run, so an image is
     *                    inspected once (again only after a commit)
     * @param trace       DOKKU_TRACE=1: the task's script runs with {@code set -x} and sees DOKKU_TRACE=1
     */
    public DockerTaskRunner(ImageInspections inspections, boolean trace) {
        this.inspections = inspections;
        this.docker = inspections.engine();
        this.trace = trace;
    }

    @Override
    public RunOutcome run(TaskRequest request, OutputStream output, RunListener listener) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(listener, "listener");
        ImageConfig image = inspectImage(request.image());
        ImageKind kind = image.kind(request.env().getOrDefault(APP_USER_VARIABLE, ImageConfig.DEFAULT_HEROKUISH_USER));
        List<String> command;
        try {
            command = TaskCommand.of(request.command(), request.shell(), kind, image.entrypoint(), trace);
        } catch (ShellWords.UnbalancedQuotingException e) {
            return outcome(RunState.FAILED, NO_EXIT_CODE,
                    "the command cannot be split into arguments for the image's ENTRYPOINT: " + e.getMessage());
        }
        if (stoppedRuns.contains(request.runId())) {
            return outcome(RunState.INTERRUPTED, NO_EXIT_CODE, "stopped before its container was created");
        }
        ActiveRun run = new ActiveRun(create(request, kind, command));
        activeRuns.put(run.containerId, run);
        // checked after registering the container: a stop(runId) either is seen here or finds the container
        if (stoppedRuns.contains(request.runId())) {
            run.stopped = true;
        }
        try {
            listener.containerCreated(run.containerId);
            RunOutcome outcome = run.stopped
                    ? outcome(RunState.INTERRUPTED, NO_EXIT_CODE, "stopped before its container started")
                    : execute(run, request, output);
            if (request.phase() == Phase.PREDEPLOY && outcome.state() == RunState.SUCCEEDED) {
                outcome = commit(run, request, image, kind);
            }
            return withContainerRemoved(outcome, run.containerId);
        } catch (RuntimeException | Error e) {
            removeAfterFailure(run.containerId, e);
            throw e;
        } finally {
            activeRuns.remove(run.containerId);
            if (run.threadInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops a run from another thread (a shutdown hook): kills and removes its containers, found by
     * their run-id label. The run in progress returns {@link RunState#INTERRUPTED}; a run of this id
     * that has not created its container yet never starts one.
     */
    @Override
    public void stop(long runId) {
        stoppedRuns.add(runId);
        removeContainersOfRun(runId);
    }

    /**
     * Stops a run from another thread when only its container is known: kills and removes the
     * container. The run then returns {@link RunState#INTERRUPTED}. Safe to call for a container
     * that has already gone.
     *
     * @throws RunnerException when docker could not remove the container
     */
    public void stop(String containerId) {
        ActiveRun run = activeRuns.get(containerId);
        if (run != null) {
            run.stopped = true;
        }
        Result removed = docker.remove(List.of(containerId));
        if (!removed.ok() && !DockerCli.saysNoSuchContainer(removed)) {
            throw new RunnerException("could not stop container " + containerId + ": " + DockerCli.explain(removed));
        }
    }

    @Override
    public List<String> removeContainersOfRun(long runId) {
        Result listed = docker.containersLabelled(TaskRequest.RUN_ID_LABEL + "=" + runId);
        if (!listed.ok()) {
            throw new RunnerException("could not list the containers of run " + runId + ": " + DockerCli.explain(listed));
        }
        List<String> ids = listed.stdout().lines().map(String::strip).filter(id -> !id.isEmpty()).toList();
        if (ids.isEmpty()) {
            return ids;
        }
        ids.forEach(id -> {
            ActiveRun run = activeRuns.get(id);
            if (run != null) {
                run.stopped = true;
            }
        });
        Result removed = docker.remove(ids);
        if (!removed.ok() && !DockerCli.saysNoSuchContainer(removed)) {
            throw new RunnerException("could not remove the containers of run " + runId + ": " + DockerCli.explain(removed));
        }
        return ids;
    }

    @Override
    public String imageId(String image) {
        Result inspected = inspections.inspect(image);
        if (inspected.ok()) {
            return readConfig(image, inspected).id();
        }
        if (DockerCli.saysNoSuchImage(inspected)) {
            return "";
        }
        throw new RunnerException("could not inspect image " + image + ": " + DockerCli.explain(inspected));
    }

    /**
     * How Dokku's app-json plugin names the image's source for {@code docker-args-process-deploy}
     * when it runs a deployment task: {@code herokuish} or {@code dockerfile}. A CNB image is
     * {@code herokuish} there too (Dokku counts CNB images as herokuish-based), which keeps
     * builder-pack from adding its own {@code --entrypoint}: this runner sets the launcher itself.
     *
     * @throws RunnerException when the image cannot be inspected
     */
    @Override
    public String imageSourceType(String image, String herokuishUser) {
        return switch (inspectImage(image).kind(herokuishUser)) {
            case HEROKUISH, CNB -> "herokuish";
            case DOCKERFILE -> "dockerfile";
        };
    }

    private ImageConfig inspectImage(String image) {
        Result inspected = inspections.inspect(image);
        if (!inspected.ok()) {
            throw new RunnerException("could not inspect image " + image + ": " + DockerCli.explain(inspected));
        }
        return readConfig(image, inspected);
    }

    private static ImageConfig readConfig(String image, Result inspected) {
        try {
            return ImageInspections.parseConfig(inspected.stdout());
        } catch (IllegalArgumentException e) {
            throw new RunnerException("could not read the configuration of image " + image + ": " + e.getMessage(), e);
        }
    }

    private String create(TaskRequest request, ImageKind kind, List<String> command) {
        Map<String, String> clientEnv = new HashMap<>(request.env());
        if (trace) {
            clientEnv.put(ContainerArguments.TRACE_VARIABLE, "1");
        }
        Result created = docker.create(ContainerArguments.forTask(request, kind, command, trace), clientEnv);
        List<String> lines = created.stdout().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (!created.ok() || lines.isEmpty()) {
            throw new RunnerException("docker could not create the " + request.phase().label()
                    + " container from " + request.image() + ": " + DockerCli.explain(created));
        }
        return lines.get(lines.size() - 1);
    }

    /** Starts the container with its output streamed into {@code output}, and waits for its end. */
    private RunOutcome execute(ActiveRun run, TaskRequest request, OutputStream output) {
        Instant deadline = Instant.now().plus(request.timeout());
        Process client = docker.startAttached(run.containerId);
        OutputPump pump = OutputPump.start(client.getInputStream(), output, "task-output-" + run.shortId());
        RunOutcome outcome;
        try {
            outcome = awaitEnd(run, client, deadline, request.timeout());
        } catch (InterruptedException e) {
            run.threadInterrupted = true;
            outcome = stopAfterInterrupt(run);
        }
        boolean outputComplete = awaitClientAndOutput(run, client, pump);
        String outputProblem = pump.failure()
                .orElse(outputComplete ? "" : "the task's output was still being copied when the run ended");
        return outputProblem.isEmpty() ? outcome : withProblem(outcome, outputProblem);
    }

    private RunOutcome awaitEnd(ActiveRun run, Process client, Instant deadline, Duration timeout)
            throws InterruptedException {
        if (!client.waitFor(millisUntil(deadline), TimeUnit.MILLISECONDS)) {
            return run.stopped ? interrupted() : timedOut(run, client, timeout);
        }
        Result inspected = docker.state(run.containerId);
        if (inspected.ok() && ContainerState.fromJson(inspected.stdout()).running()) {
            // the attached client ended while the container still runs (the client was killed): wait for the container
            RunOutcome waitFailure = awaitContainer(run, client, deadline, timeout);
            if (waitFailure != null) {
                return waitFailure;
            }
            inspected = docker.state(run.containerId);
        }
        if (run.stopped) {
            return interrupted();
        }
        if (DockerCli.saysNoSuchContainer(inspected)) {
            return outcome(RunState.INTERRUPTED, NO_EXIT_CODE,
                    "the container was removed by someone else before its exit code could be read");
        }
        if (!inspected.ok()) {
            return lostEngine(DockerCli.explain(inspected));
        }
        return ended(ContainerState.fromJson(inspected.stdout()));
    }

    private static RunOutcome ended(ContainerState state) {
        if (state.neverStarted()) {
            return outcome(RunState.FAILED, NO_EXIT_CODE, state.error().isEmpty()
                    ? "the container did not start"
                    : "the container did not start: " + state.error());
        }
        if (state.running()) {
            return outcome(RunState.INTERRUPTED, NO_EXIT_CODE,
                    "docker stopped reporting on the container while it was still " + state.status());
        }
        if (state.exitCode() == 0) {
            return outcome(RunState.SUCCEEDED, EXITED_0, "");
        }
        return outcome(RunState.FAILED, Optional.of(state.exitCode()),
                "exited with code " + state.exitCode() + (state.oomKilled() ? " (killed: out of memory)" : ""));
    }

    /** Waits for a running container with {@code docker container wait}; returns an outcome only if that failed. */
    private RunOutcome awaitContainer(ActiveRun run, Process client, Instant deadline, Duration timeout)
            throws InterruptedException {
        Process waiter = docker.startWait(run.containerId);
        ByteArrayOutputStream waitOutput = new ByteArrayOutputStream();
        OutputPump pump = OutputPump.start(waiter.getInputStream(), waitOutput, "task-wait-" + run.shortId());
        try {
            if (!waiter.waitFor(millisUntil(deadline), TimeUnit.MILLISECONDS)) {
                return run.stopped ? interrupted() : timedOut(run, client, timeout);
            }
            pump.awaitEnd(GRACE);
            if (waiter.exitValue() != 0 && !run.stopped) {
                return lostEngine("docker container wait: " + waitOutput.toString(StandardCharsets.UTF_8).strip());
            }
            return null;
        } finally {
            waiter.destroyForcibly();
        }
    }

    /** Lets the attached client end (it does once the container has ended) and the output be copied. */
    private boolean awaitClientAndOutput(ActiveRun run, Process client, OutputPump pump) {
        try {
            if (!client.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                client.destroyForcibly();
            }
            return pump.awaitEnd(GRACE);
        } catch (InterruptedException e) {
            run.threadInterrupted = true;
            client.destroyForcibly();
            return false;
        }
    }

    /** Kills the container at its timeout; when docker cannot, gives up on the attached client too. */
    private RunOutcome timedOut(ActiveRun run, Process client, Duration timeout) {
        String after = "timed out after " + describe(timeout);
        Result killed = docker.kill(run.containerId);
        if (!killed.ok() && !DockerCli.saysNoSuchContainer(killed) && !killed.stderr().contains("is not running")) {
            client.destroyForcibly();
            return outcome(RunState.TIMED_OUT, NO_EXIT_CODE,
                    after + "; killing the container failed: " + DockerCli.explain(killed));
        }
        return outcome(RunState.TIMED_OUT, NO_EXIT_CODE, after + "; container killed");
    }

    private RunOutcome stopAfterInterrupt(ActiveRun run) {
        run.stopped = true;
        Result removed = docker.remove(List.of(run.containerId));
        if (!removed.ok() && !DockerCli.saysNoSuchContainer(removed)) {
            return outcome(RunState.INTERRUPTED, NO_EXIT_CODE,
                    "the helper was interrupted; killing the container failed: " + DockerCli.explain(removed));
        }
        return outcome(RunState.INTERRUPTED, NO_EXIT_CODE, "the helper was interrupted; container killed and removed");
    }

    private static RunOutcome interrupted() {
        return outcome(RunState.INTERRUPTED, NO_EXIT_CODE, "stopped before it finished; container killed and removed");
    }

    private static RunOutcome lostEngine(String explanation) {
        return outcome(RunState.INTERRUPTED, NO_EXIT_CODE,
                "lost contact with the Docker engine while the task ran, its outcome is unknown: " + explanation);
    }

    private RunOutcome commit(ActiveRun run, TaskRequest request, ImageConfig image, ImageKind kind) {
        if (run.stopped) {
            return interrupted();
        }
        List<String> changes = CommitChanges.forImage(image, kind, request.app(), request.phase(),
                request.env().keySet());
        Result committed = commit(changes, run.containerId, request.image());
        if (committed.ok()) {
            return forgetConfigValues(request, changes);
        }
        if (run.stopped) {
            return interrupted();
        }
        return outcome(RunState.FAILED, EXITED_0, "the task succeeded but committing its container into "
                + request.image() + " failed: " + DockerCli.explain(committed, DockerCli.COMMIT_TIMEOUT));
    }

    /**
     * docker commit keeps the committed container's own config, the app's config values included, in
     * the image as ContainerConfig, which a registry push carries along. Committing once more, from a
     * container created from the new image (so it never had those values), leaves only the blanked
     * ones there; the first image stays behind as the new one's parent, on this host only.
     */
    private RunOutcome forgetConfigValues(TaskRequest request, List<String> changes) {
        if (request.env().isEmpty()) {
            return outcome(RunState.SUCCEEDED, EXITED_0, "");
        }
        String problem = "the task succeeded but the app's config values could not be cleared from the metadata of "
                + request.image() + ": ";
        Result created = docker.create(List.of("--label=" + ContainerArguments.APP_LABEL + "=" + request.app(),
                "--label=" + TaskRequest.RUN_ID_LABEL + "=" + request.runId(), request.image()), Map.of());
        List<String> lines = created.stdout().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (!created.ok() || lines.isEmpty()) {
            return outcome(RunState.FAILED, EXITED_0, problem + DockerCli.explain(created));
        }
        String clean = lines.get(lines.size() - 1);
        try {
            Result recommitted = commit(changes, clean, request.image());
            return recommitted.ok() ? outcome(RunState.SUCCEEDED, EXITED_0, "")
                    : outcome(RunState.FAILED, EXITED_0, problem + DockerCli.explain(recommitted, DockerCli.COMMIT_TIMEOUT));
        } finally {
            docker.remove(List.of(clean));
        }
    }

    /** Commits the container into the image; what was known of the image is forgotten. */
    private Result commit(List<String> changes, String containerId, String image) {
        try {
            return docker.commit(changes, containerId, image);
        } finally {
            inspections.forget(image);
        }
    }

    /** Whether the run of this container was stopped from another thread, which removes the container itself. */
    private boolean stopped(String containerId) {
        ActiveRun run = activeRuns.get(containerId);
        return run != null && run.stopped;
    }

    /** Removes the container; a failure is noted in the outcome's detail (the task's result stands). */
    private RunOutcome withContainerRemoved(RunOutcome outcome, String containerId) {
        boolean interrupted = Thread.interrupted();
        try {
            Result removed = docker.remove(List.of(containerId));
            if (removed.ok() || DockerCli.saysNoSuchContainer(removed)
                    || stopped(containerId) && DockerCli.saysRemovalInProgress(removed)) {
                return outcome;
            }
            return withProblem(outcome, "container " + shortId(containerId) + " could not be removed: "
                    + DockerCli.explain(removed));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void removeAfterFailure(String containerId, Throwable failure) {
        boolean interrupted = Thread.interrupted();
        try {
            Result removed = docker.remove(List.of(containerId));
            if (!removed.ok() && !DockerCli.saysNoSuchContainer(removed)) {
                failure.addSuppressed(new RunnerException("container " + containerId + " could not be removed: "
                        + DockerCli.explain(removed)));
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The outcome with a problem added: a success becomes a failure, anything else keeps its state. */
    private static RunOutcome withProblem(RunOutcome outcome, String problem) {
        if (outcome.state() == RunState.SUCCEEDED) {
            return outcome(RunState.FAILED, outcome.exitCode(), problem);
        }
        return outcome(outcome.state(), outcome.exitCode(), outcome.detail() + "; " + problem);
    }

    private static RunOutcome outcome(RunState state, Optional<Integer> exitCode, String detail) {
        return new RunOutcome(state, exitCode, NO_OUTPUT, 0, detail);
    }

    private static long millisUntil(Instant deadline) {
        return Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
    }

    /** {@code 600s}, or {@code 1500ms} for a timeout that is not a whole number of seconds. */
    static String describe(Duration timeout) {
        return timeout.toMillisPart() == 0 && timeout.toNanosPart() % 1_000_000 == 0
                ? timeout.toSeconds() + "s"
                : timeout.toMillis() + "ms";
    }

    private static String shortId(String containerId) {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    /** A run whose container exists: what other threads and the waiting code learn about it. */
    private static final class ActiveRun {
        final String containerId;
        /** Set by {@link #stop}: the container was (or is being) killed on purpose. */
        volatile boolean stopped;
        /** Set by the run's own thread when it was interrupted; restored when the run returns. */
        boolean threadInterrupted;

        ActiveRun(String containerId) {
            this.containerId = containerId;
        }

        String shortId() {
            return DockerTaskRunner.shortId(containerId);
        }
    }
}
