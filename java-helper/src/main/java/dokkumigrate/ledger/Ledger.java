package dokkumigrate.ledger;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of every deploy and task run. All SQL lives behind this interface; the domain
 * speaks only of deploys, plans and runs. Every method is atomic on its own.
 */
public interface Ledger extends AutoCloseable {

    /**
     * Records the plan of a deploy. A second call for the same deploy replaces its plan as long
     * as none of its tasks has started; once one has, the recorded plan stands and is returned.
     */
    Deploy recordPlan(String app, DeployKey key, Deploy.Origin origin, String trigger, Plan plan);

    Optional<Deploy> findDeploy(String app, DeployKey key);

    Optional<Deploy> findDeploy(long deployId);

    /** The app's standing plan: the deploy whose plan was last extracted from a build. */
    Optional<Deploy> latestExtracted(String app);

    /** The newest deploy of the app, whatever its origin. */
    Optional<Deploy> latestDeploy(String app);

    Plan planOf(long deployId);

    /**
     * Claims a task of a deploy for this process, in one transaction. Returns the new run in
     * state running when the task may run (never ran, or its last attempt was interrupted);
     * otherwise returns the last attempt unchanged (running, or a final state).
     */
    TaskRun claim(long deployId, Phase phase, RunClaim claim);

    /** The container of a running run, recorded as soon as it exists. */
    void recordContainer(long runId, String containerId);

    /** Records how a run ended, with the tail of its output. */
    TaskRun finish(long runId, RunOutcome outcome, Instant finishedAt);

    /** Marks a run that was left running by a dead process; no-op unless it is still running. */
    void markInterrupted(long runId, String detail, Instant at);

    Optional<TaskRun> findRun(long runId);

    /** All attempts of a deploy's tasks, oldest first. */
    List<TaskRun> runsOf(long deployId);

    /** Runs of an app still in state running. */
    List<TaskRun> runningRuns(String app);

    /** The tail of a run's output as stored (at most the output limit). */
    byte[] outputTail(long runId);

    /**
     * How many bytes a run printed in all, as recorded when it ended (0 while it runs or when
     * unknown). More than {@link #outputTail}'s length means the ledger's copy was truncated.
     */
    long outputBytes(long runId);

    /** The app's newest run, whatever its deploy or state. */
    Optional<TaskRun> latestRun(String app);

    void markRolledOut(long deployId, Instant at);

    /** Keeps what the plugin took out of a deploy's Procfile/app.json copies, to put it back on hand-back. */
    void recordTakenCopies(long deployId, List<TakenCopy> copies);

    /** The app's taken copies of {@code file}, newest deploy first, at most {@code limit}. */
    List<TakenCopy.Recorded> takenCopies(String app, dokkumigrate.plan.Phase.Source file, int limit);

    /** Records something that happened to an app outside a deploy (restart, scale, unlock...). */
    void recordEvent(String app, String kind, String detail, Instant at);

    List<Event> events(String app, int limit);

    /** The newest deploys of an app, newest first. */
    List<Deploy> deploys(String app, int limit);

    /** Every app the ledger knows, sorted. */
    List<String> apps();

    /** Who holds (or last held) a lock, as recorded for display. */
    Optional<LockHolder> lockHolder(String lockKey);

    void recordLockHolder(LockHolder holder);

    void clearLockHolder(String lockKey, long pid);

    /** Removes everything recorded for an app. Returns the log paths of its runs. */
    List<String> deleteApp(String app);

    void renameApp(String oldApp, String newApp);

    void cloneApp(String oldApp, String newApp);

    /** Deletes all but the newest {@code keep} runs of an app; returns the log paths removed. */
    List<String> prune(String app, int keep);

    /** Records how the webhook notice of a run went (replacing an earlier record of the same run). */
    void recordNotification(Notification notification);

    /** How the webhook notice of a run went; empty when none was sent. */
    Optional<Notification> notification(long runId);

    /** The app's newest notice record, whatever its run. */
    Optional<Notification> latestNotification(String app);

    /** Records migrations a run applied, as recognised in its output while it streamed. */
    void recordAppliedMigrations(long runId, List<AppliedMigration> migrations, Instant at);

    /** The migrations each of these runs applied, in the order seen; a run that applied none is absent. */
    Map<Long, List<Applied>> appliedMigrations(Collection<Long> runIds);

    /**
     * The migrations the app's runs applied, newest first, each with its run. With {@code migration},
     * only those whose id is that, starts with it and then {@code _} or {@code -}, or whose name is it.
     */
    List<AppliedByRun> migrationHistory(String app, Optional<String> migration, int limit);

    /** {@code PRAGMA integrity_check}'s verdict: "ok" or the problems found. */
    String integrityCheck();

    @Override
    void close();

    /** Who is claiming a run, and against which image. */
    record RunClaim(String image, String imageId, String host, long helperPid, String logPath, Instant at) { }

    /** A migration a run applied, and when its line was seen. */
    record Applied(long runId, AppliedMigration migration, Instant seenAt) { }

    /** An applied migration with the run that applied it. */
    record AppliedByRun(Applied applied, TaskRun run) { }

    /** Something recorded about an app outside a deploy's task runs. */
    record Event(long id, String app, String kind, String detail, Instant at) { }

    /** A failure to read or write the ledger, with what to do about it. */
    class LedgerException extends RuntimeException {
        public LedgerException(String message, Throwable cause) {
            super(message, cause);
        }

        public LedgerException(String message) {
            super(message);
        }
    }
}
