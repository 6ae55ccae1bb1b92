package dokkumigrate.ledger;

import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The ledger's task runs: claimed, run, ended, read back. Every method is atomic on its own. */
public interface RunRecords {

    /**
     * Claims a task of a deploy for this process, in one transaction. Returns the new run in
     * state running when the task may run (never ran, or its last attempt was interrupted);
     * otherwise returns the last attempt unchanged (running, or a final state).
     */
    TaskRun claim(long deployId, Phase phase, RunClaim claim);

    /** The name of the file that keeps a run's whole output, chosen by the caller once the run exists. */
    void recordLogFile(long runId, String fileName);

    /** The container of a running run, recorded as soon as it exists. */
    void recordContainer(long runId, String containerId);

    /** Records how a run ended, with the tail of its output; a run no longer running keeps its record. */
    TaskRun finish(long runId, RunOutcome outcome, Instant finishedAt);

    /** Marks a run that was left running by a dead process; no-op unless it is still running. */
    void markInterrupted(long runId, String detail, Instant at);

    Optional<TaskRun> findRun(long runId);

    /** All attempts of a deploy's tasks, oldest first. */
    List<TaskRun> runsOf(long deployId);

    /** Runs of an app still in state running. */
    List<TaskRun> runningRuns(String app);

    /** The app's newest run, whatever its deploy or state. */
    Optional<TaskRun> latestRun(String app);

    /**
     * The app's newest run of its release task, whatever its deploy, state or host (its deploy, with
     * the revision it released, is {@code findDeploy(run.deployId())}): what the once-per-revision
     * rule looks at before claiming a release.
     */
    Optional<TaskRun> latestReleaseRun(String app);

    /** The tail of a run's output as stored (at most the output limit). */
    byte[] outputTail(long runId);

    /**
     * How many bytes a run printed in all, as recorded when it ended (0 while it runs or when
     * unknown). More than {@link #outputTail}'s length means the ledger's copy was truncated.
     */
    long outputBytes(long runId);

    /** Who is claiming a run (this helper process, on this host), against which image, and when. */
    record RunClaim(String image, String imageId, String host, long helperPid, Instant at) { }
}
