package dokkumigrate.deploy;

import dokkumigrate.applied.AppliedMigrationRecorder;
import dokkumigrate.applied.MigrationLines;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.notify.Payload;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.Settings;
import dokkumigrate.run.LockChoice;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskOutput;
import dokkumigrate.run.TaskRequest;
import dokkumigrate.run.TaskRun;
import dokkumigrate.run.TaskRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a deploy's plan exactly once: predeploy, then release, under the app's (or its lock
 * group's) lock, each task claimed in the ledger before it starts. A second caller for the same
 * deploy waits for the lock and returns the recorded result instead of running anything.
 */
public final class DeployTasks {
    private static final int FAILURE_TAIL_LINES = 20;

    private final Ledger ledger;
    private final TaskRunner runner;
    private final TaskLocks locks;
    private final Platform platform;
    private final RunLogs logs;
    private final Console console;
    private final ProcessIdentity helper;
    private final InFlight inFlight;
    private final TaskEnded ended;
    private final LockChooser lockChooser;

    /** Which lock an app's tasks run under, given its settings in force. */
    @FunctionalInterface
    public interface LockChooser {
        /** The app's lock group's lock when it has one, else its own: no database lock. */
        LockChooser GROUP_OR_APP = (app, settings) -> LockChoice.of(app, settings.lockGroup(),
                List.of(LockChoice.NONE), Map.of());

        LockChoice choose(String app, Settings settings);
    }

    /** A release whose tasks run under their lock group's lock or the app's own (no database lock). */
    public DeployTasks(Ledger ledger, TaskRunner runner, TaskLocks locks, Platform platform, RunLogs logs,
                   Console console, ProcessIdentity helper, InFlight inFlight, TaskEnded ended) {
        this(ledger, runner, locks, platform, logs, console, helper, inFlight, ended, LockChooser.GROUP_OR_APP);
    }

    /**
     * @param ended       told of every run once its end is recorded (the webhook notice and the
     *                    post-migrate-task trigger); {@link TaskEnded#NONE} tells no one
     * @param lockChooser which lock the app's tasks run under
     */
    public DeployTasks(Ledger ledger, TaskRunner runner, TaskLocks locks, Platform platform, RunLogs logs,
                   Console console, ProcessIdentity helper, InFlight inFlight, TaskEnded ended, LockChooser lockChooser) {
        this.lockChooser = lockChooser;
        this.ledger = ledger;
        this.runner = runner;
        this.locks = locks;
        this.platform = platform;
        this.logs = logs;
        this.console = console;
        this.helper = helper;
        this.inFlight = inFlight;
        this.ended = ended;
    }

    /** What the deploy should do after the release ran. */
    public enum Result { PROCEED, ABORT }

    /**
     * The deploy to run for this Dokku invocation: the one post-extract recorded, or, when Dokku
     * releases without a new build (config change, start of a stopped app), a new deploy of the
     * app's standing plan. Empty when the app has no plan at all.
     */
    public Optional<Deploy> deployFor(String app, DeployKey key, String trigger) {
        Optional<Deploy> recorded = ledger.findDeploy(app, key);
        if (recorded.isPresent()) {
            return recorded;
        }
        // a release without a build releases the standing plan's revision again
        return ledger.latestExtracted(app)
                .filter(standing -> !ledger.planOf(standing.id()).isEmpty())
                .map(standing -> ledger.recordPlan(app, key, Deploy.Origin.STANDING, trigger, standing.revision(),
                        ledger.planOf(standing.id())));
    }

    /**
     * Runs every task of the deploy that has not run yet in {@code image}, the image Dokku is
     * releasing; returns whether the deploy may go on.
     */
    public Result run(Deploy deploy, AppImage image, Settings settings) {
        return run(deploy, image, settings, TaskCompanion.NONE);
    }

    /**
     * As {@link #run(Deploy, AppImage, Settings)}, with {@code companion} done under the lock, once,
     * when some task is left to run: a caller that finds every task of the deploy already done
     * (a concurrent or repeated hook) returns the recorded result without it.
     */
    public Result run(Deploy deploy, AppImage appImage, Settings settings, TaskCompanion companion) {
        String app = deploy.app();
        Plan plan = ledger.planOf(deploy.id());
        if (plan.isEmpty()) {
            console.step("Checking for deployment tasks");
            console.detail("No release or predeploy task found, skipping");
            return Result.PROCEED;
        }
        Map<Phase, TaskRun> recorded = latestRuns(deploy);
        if (allEnded(plan, recorded)) {
            // a repeated or concurrent hook of a deploy whose tasks have all ended: their result, no lock
            return reportEarlierRuns(app, plan, recorded);
        }
        String image = appImage.name();
        LockChoice lock = lockChooser.choose(app, settings);
        lock.notice().ifPresent(notice -> console.step("Notice: " + notice));
        String lockKey = lock.key();
        Duration maxWait = settings.timeout().plus(Duration.ofMinutes(5));
        Optional<TaskLocks.Held> taken;
        try {
            taken = locks.acquireWhileWanted(lockKey, maxWait, WhileWaiting.CHECK_EVERY,
                    new WhileWaiting(deploy, plan, lockKey));
        } catch (TaskLocks.LockTimeoutException e) {
            throw new DeployFailure("Gave up waiting for the task lock of " + app + ": " + e.getMessage()
                    + ". See who holds it with: dokku migrate:doctor " + app, e);
        }
        if (taken.isEmpty()) {
            // the holder ran this deploy's tasks while this caller waited for the lock
            return reportEarlierRuns(app, plan, latestRuns(deploy));
        }
        try (TaskLocks.Held held = taken.get()) {
            ledger.recordLockHolder(new LockHolder(lockKey, app, deploy.id(), helper.pid(), helper.host(),
                    helper.clock().instant()));
            RuntimeException failure = null;
            try {
                recoverInterruptedRuns(app);
                Map<Phase, TaskRun> earlier = latestRuns(deploy);
                TaskInputs inputs = null;
                if (plan.tasks().stream().anyMatch(task -> isLeftToRun(earlier.get(task.phase())))) {
                    inputs = TaskInputs.askInBackground(platform, runner, app, appImage.tag(), image);
                    companion.beforeTasks();
                }
                Result result = Result.PROCEED;
                for (Task task : plan.tasks()) {
                    TaskRun done = earlier.get(task.phase());
                    Optional<String> elsewhere = task.phase() == Phase.RELEASE && isLeftToRun(done)
                            ? ReleasedElsewhere.detail(ledger, deploy, helper.host()) : Optional.empty();
                    if (elsewhere.isPresent()) {
                        result = recordReleasedElsewhere(deploy, task, image, elsewhere.get());
                    } else {
                        result = isLeftToRun(done) ? runTask(deploy, task, image, settings, inputs, held)
                                : reportEarlierRun(app, done);
                    }
                    if (result == Result.ABORT) {
                        break;
                    }
                }
                if (inputs != null) {
                    companion.afterTasks();
                }
                return result;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                tidyUp(app, lockKey, settings, failure);
            }
        }
    }

    /**
     * Asked by the lock while it waits (at once, when the lock is free again, and every second in
     * between): says who holds the lock (at once, then every 15 seconds), and stops the wait as soon
     * as the deploy's tasks have all ended, so that concurrent callers for one deploy return when the
     * first one is done, without running anything under the lock. The waiters sleep in between; the
     * one-second look at the ledger is for a holder that keeps the lock after the tasks ended.
     */
    private final class WhileWaiting implements TaskLocks.Waiting {
        static final Duration CHECK_EVERY = Duration.ofSeconds(1);
        private static final Duration REPORT_EVERY = Duration.ofSeconds(15);
        private final Deploy deploy;
        private final Plan plan;
        private final String lockKey;
        private Instant nextReport = Instant.MIN;

        WhileWaiting(Deploy deploy, Plan plan, String lockKey) {
            this.deploy = deploy;
            this.plan = plan;
            this.lockKey = lockKey;
        }

        @Override
        public boolean stillWanted() {
            if (allEnded(plan, latestRuns(deploy))) {
                return false;
            }
            Instant now = Instant.now();
            if (!now.isBefore(nextReport)) {
                reportWaiting(deploy.app(), lockKey);
                nextReport = now.plus(REPORT_EVERY);
            }
            return true;
        }
    }

    private static boolean allEnded(Plan plan, Map<Phase, TaskRun> latest) {
        return plan.tasks().stream().allMatch(task -> latest.containsKey(task.phase())
                && latest.get(task.phase()).state().isFinal());
    }

    private Result reportEarlierRuns(String app, Plan plan, Map<Phase, TaskRun> latest) {
        for (Task task : plan.tasks()) {
            if (reportEarlierRun(app, latest.get(task.phase())) == Result.ABORT) {
                return Result.ABORT;
            }
        }
        return Result.PROCEED;
    }

    /** The latest attempt of each phase of the deploy. */
    private Map<Phase, TaskRun> latestRuns(Deploy deploy) {
        Map<Phase, TaskRun> latest = new EnumMap<>(Phase.class);
        ledger.runsOf(deploy.id()).forEach(run -> latest.put(run.phase(), run));
        return latest;
    }

    /** Whether a task whose latest attempt is {@code run} (null: none yet) is to be claimed and run. */
    private static boolean isLeftToRun(TaskRun run) {
        return run == null || run.state().isClaimable();
    }

    /** The release task that ran on another host for the same revision: recorded as skipped, not run. */
    private Result recordReleasedElsewhere(Deploy deploy, Task task, String image, String detail) {
        TaskRun claimed = ledger.claim(deploy.id(), task.phase(), new Ledger.RunClaim(image, "", helper.host(),
                helper.pid(), helper.clock().instant()));
        if (claimed.state() != RunState.RUNNING || claimed.helperPid() != helper.pid()) {
            return reportEarlierRun(deploy.app(), claimed);
        }
        TaskRun skipped = ledger.finish(claimed.id(), RunOutcome.skipped(detail), helper.clock().instant());
        console.step("Not running the " + task.phase().label() + " task of " + deploy.app() + ": " + detail
                + " (recorded as run #" + skipped.id() + ", skipped)");
        // nothing ran here: no notice and no post-migrate-task, as for the runs Dokku's own runner ran
        return Result.PROCEED;
    }

    private Result runTask(Deploy deploy, Task task, String image, Settings settings, TaskInputs inputs,
                           TaskLocks.Held held) {
        String app = deploy.app();
        String phase = task.phase().label();
        String imageId = runner.imageId(image);
        if (imageId.isEmpty()) {
            throw new DeployFailure("App image (" + image + ") not found, so the " + phase + " task of " + app
                    + " cannot run. Rebuild the app: dokku ps:rebuild " + app);
        }
        TaskRun claimed = ledger.claim(deploy.id(), task.phase(), new Ledger.RunClaim(image, imageId, helper.host(),
                helper.pid(), helper.clock().instant()));
        if (claimed.state() != RunState.RUNNING || claimed.helperPid() != helper.pid()) {
            return reportEarlierRun(app, claimed);
        }
        String logFile = RunLogs.fileName(claimed.id());
        ledger.recordLogFile(claimed.id(), logFile);
        console.step("Running " + phase + " task from " + task.source().label() + " for " + app
                + (task.phase() == dokkumigrate.plan.Phase.RELEASE ? " in ephemeral container" : "")
                + ": " + TerminalText.escape(task.command()));
        TaskRequest request = new TaskRequest(app, task.phase(), task.command(), image, claimed.id(),
                inputs.env(), inputs.dockerArgs(image), platform.globalRunArgs(), platform.appShell(app),
                settings.timeout());
        RunOutcome ran = execute(claimed, logFile, request, settings);
        // a signal stopped the run and recorded why: its end keeps that reason, with the output
        RunOutcome outcome = inFlight.stoppedBySignal(claimed.id()).map(why -> new RunOutcome(RunState.INTERRUPTED,
                Optional.empty(), ran.outputTail(), ran.outputBytes(), why)).orElse(ran);
        if (outcome.state() == RunState.SUCCEEDED) {
            requireLockHeld(claimed, held);
        }
        TaskRun finished = recordEnd(claimed, outcome);
        inFlight.clear(claimed.id());
        Result result = Result.PROCEED;
        if (finished.state().letsDeployProceed()) {
            console.detail(phase + " task succeeded in " + seconds(finished) + " (run #" + finished.id() + ")");
        } else {
            reportFailure(deploy, finished, outcome);
            result = Result.ABORT;
        }
        ended.ended(deploy, finished, new Payload.Output(outcome.outputTail(), outcome.outputBytes()));
        return result;
    }

    /**
     * Records how a run ended. When the ledger cannot take it (a full disk, a lock held too long),
     * the deploy stops: the run stays recorded as running, so the next call marks it interrupted.
     */
    private TaskRun recordEnd(TaskRun run, RunOutcome outcome) {
        try {
            return ledger.finish(run.id(), outcome, helper.clock().instant());
        } catch (Ledger.LedgerException e) {
            inFlight.clear(run.id());
            throw new DeployFailure("The " + run.phase().label() + " task of " + run.app() + " ended ("
                    + outcome.state().label() + ") but the ledger could not record it: " + e.getMessage()
                    + "\nRun #" + run.id() + " stays recorded as running; the next deploy marks it interrupted and "
                    + "runs the task again. The deploy was stopped before any new container started.", e);
        }
    }

    /**
     * A run that succeeded is recorded so only while its lock is still held: a lock whose session
     * was lost (a shared ledger's server gone or partitioned away) may have been taken by another
     * host meanwhile, which then finds this run running and runs the task again.
     */
    private void requireLockHeld(TaskRun run, TaskLocks.Held held) {
        Optional<String> lost = held.lost();
        if (lost.isPresent()) {
            inFlight.clear(run.id());
            throw new DeployFailure("The " + run.phase().label() + " task of " + run.app() + " ended (succeeded), but "
                    + lost.get() + ", so its end was not recorded. Run #" + run.id() + " stays recorded as running; the "
                    + "next deploy marks it interrupted and runs the task again. Its output is in dokku migrate:logs "
                    + run.app() + " " + run.id() + ". The deploy was stopped before any new container started.");
        }
    }

    /** After the tasks: the lock holder cleared and old runs pruned; a failure here never hides an earlier one. */
    private void tidyUp(String app, String lockKey, Settings settings, RuntimeException earlier) {
        try {
            ledger.clearLockHolder(lockKey, helper.pid());
            pruneOldRuns(app, settings.keepRuns());
        } catch (RuntimeException e) {
            if (earlier == null) {
                throw e;
            }
            earlier.addSuppressed(e);
        }
    }

    private RunOutcome execute(TaskRun run, String logFile, TaskRequest request, Settings settings) {
        String app = run.app();
        inFlight.started(run.id(), runner);
        try (OutputStream log = logs.create(app, logFile)) {
            AppliedMigrationRecorder applied = new AppliedMigrationRecorder(
                    migrations -> ledger.recordAppliedMigrations(run.id(), migrations, helper.clock().instant()));
            MigrationLines migrationLines = new MigrationLines(applied);
            TaskOutput output = new TaskOutput(log, console.taskLines(), settings.outputLimitBytes(),
                    migrationLines);
            console.heading("Start of " + app + " " + run.phase().label() + " task (run #" + run.id() + ") output");
            RunOutcome outcome;
            try {
                outcome = runner.run(request, output, containerId -> {
                    ledger.recordContainer(run.id(), containerId);
                    platform.postContainerCreate(containerId, app, run.phase().label());
                });
            } catch (TaskRunner.RunnerException e) {
                outcome = new RunOutcome(RunState.FAILED, Optional.empty(), new byte[0], 0, e.getMessage());
            }
            output.finish();
            migrationLines.end(outcome.state() == RunState.SUCCEEDED);
            console.heading("End of " + app + " " + run.phase().label() + " task (run #" + run.id() + ") output");
            reportApplied(run, applied);
            return new RunOutcome(outcome.state(), outcome.exitCode(), output.tail(), output.totalBytes(),
                    outcome.detail());
        } catch (IOException e) {
            throw new UncheckedIOException("writing the output of run #" + run.id() + " of " + app, e);
        }
    }

    /** Says how many migrations the run applied, and warns when some could not be recorded. */
    private void reportApplied(TaskRun run, AppliedMigrationRecorder applied) {
        applied.flush().ifPresent(e -> console.warn("Some migrations run #" + run.id() + " of " + run.app()
                + " applied could not be recorded in the ledger: " + e.getMessage()));
        if (applied.recorded() > 0) {
            console.detail(applied.recorded() + " migration" + (applied.recorded() == 1 ? "" : "s") + " applied (run #"
                    + run.id() + "); see them with: dokku migrate:history " + run.app());
        }
    }

    private Result reportEarlierRun(String app, TaskRun earlier) {
        String phase = earlier.phase().label();
        if (earlier.state().letsDeployProceed()) {
            console.step(phase + " task of " + app + " already ran for this deploy (run #" + earlier.id()
                    + ", " + earlier.state().label() + "); not running it again");
            return Result.PROCEED;
        }
        if (earlier.state() == RunState.RUNNING) {
            console.warn("The " + phase + " task of " + app + " is still running for this deploy in helper "
                    + earlier.helperPid() + " on " + earlier.host() + " (run #" + earlier.id() + "); not running it again.");
            console.warn("Let it end, or stop that helper and clear its records with: dokku migrate:unlock " + app);
            return Result.ABORT;
        }
        console.warn("The " + phase + " task of " + app + " already ran for this deploy and ended "
                + earlier.state().label() + " (run #" + earlier.id() + ")" + detailSuffix(earlier.detail()) + ".");
        console.warn("See its output with: dokku migrate:logs " + app + " " + earlier.id());
        return Result.ABORT;
    }

    private void reportFailure(Deploy deploy, TaskRun run, RunOutcome outcome) {
        String app = run.app();
        String phase = run.phase().label();
        if (console.quiet()) {
            String[] lines = new String(outcome.outputTail(), StandardCharsets.UTF_8).split("\n");
            List<String> tail = Arrays.asList(lines).subList(Math.max(0, lines.length - FAILURE_TAIL_LINES), lines.length);
            console.warn("Last lines of the " + phase + " task's output:");
            tail.forEach(line -> console.warn("  " + TerminalText.escape(line)));
        }
        console.warn("Execution of " + phase + " task failed for " + app + ": " + TerminalText.escape(run.command()));
        console.warn(run.state().label() + detailSuffix(run.detail()) + " (run #" + run.id() + ")");
        if (deploy.origin() == Deploy.Origin.MANUAL) {
            console.warn("Nothing was deployed, restarted or stopped. Fix the task and run it again with");
            console.warn("dokku migrate:run " + app + " --phase " + phase + "; full output: dokku migrate:logs " + app
                    + " " + run.id());
            return;
        }
        console.warn("The deploy was stopped before any new container started. Fix the task and deploy again;");
        console.warn("full output: dokku migrate:logs " + app + " " + run.id());
    }

    /**
     * Marks interrupted the runs of the app left running by a helper that is gone, and removes their
     * containers. A run whose helper is still alive is left alone (it may run under another lock,
     * after a change of lock group or a forced unlock); one of this very process is not running,
     * since this caller holds the lock its tasks run under.
     */
    private void recoverInterruptedRuns(String app) {
        for (TaskRun stale : ledger.runningRuns(app)) {
            boolean ours = stale.host().equals(helper.host()) && stale.helperPid() == helper.pid();
            if (!ours && helper.isAlive(stale.host(), stale.helperPid())) {
                console.warn("Run #" + stale.id() + " (" + stale.phase().label() + ") of " + app + " is still running in "
                        + "helper " + stale.helperPid() + " on " + stale.host() + "; left as it is.");
                continue;
            }
            List<String> removed = runner.removeContainersOfRun(stale.id());
            ledger.markInterrupted(stale.id(), "helper " + stale.helperPid() + " on " + stale.host()
                    + " stopped while the task ran" + (removed.isEmpty() ? "" : "; container removed"),
                    helper.clock().instant());
            console.warn("Run #" + stale.id() + " (" + stale.phase().label() + ") of " + app + " was interrupted "
                    + "when its helper stopped; marked interrupted" + (removed.isEmpty() ? "" : " and its container removed")
                    + ". It runs again now.");
            // its helper died before it could tell anyone: this is the first moment its end is recorded
            ledger.findRun(stale.id()).ifPresent(run -> ledger.findDeploy(run.deployId())
                    .ifPresent(deploy -> ended.ended(deploy, run, Payload.Output.NONE)));
        }
    }

    private void reportWaiting(String app, String lockKey) {
        Optional<LockHolder> holder = ledger.lockHolder(lockKey);
        console.step("Waiting for the " + lockKey + " lock"
                + holder.map(h -> ", held by pid " + h.pid() + " on " + h.host() + " since " + h.since()
                        + " (app " + h.app() + ", deploy #" + h.deployId() + ")").orElse(""));
    }

    private void pruneOldRuns(String app, int keepRuns) {
        logs.delete(app, ledger.prune(app, keepRuns));
    }

    private static String seconds(TaskRun run) {
        return run.duration().map(d -> String.format("%.1fs", d.toMillis() / 1000.0)).orElse("?");
    }

    private static String detailSuffix(String detail) {
        return detail.isEmpty() ? "" : ": " + detail;
    }
}
