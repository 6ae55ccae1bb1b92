package dokkumigrate.deploy;

import dokkumigrate.ledger.RunRecords;
import dokkumigrate.run.TaskRunner;
import java.time.Instant;

/**
 * The task run this process has in progress, so that a shutdown hook (SIGTERM, SIGINT, SIGHUP:
 * an ssh disconnect during {@code git push}) can stop its container and record it as interrupted.
 */
public final class InFlight {
    private long runId;
    private TaskRunner runner;
    /** The run a signal stopped, and why, so that the record of its end keeps the reason. */
    private long stoppedRunId;
    private String stoppedWhy = "";

    synchronized void started(long runId, TaskRunner runner) {
        this.runId = runId;
        this.runner = runner;
    }

    synchronized void clear(long runId) {
        if (this.runId == runId) {
            this.runId = 0;
            this.runner = null;
        }
    }

    /** Why a signal stopped {@code runId}; empty when none did. */
    synchronized java.util.Optional<String> stoppedBySignal(long runId) {
        return runId != 0 && runId == stoppedRunId ? java.util.Optional.of(stoppedWhy) : java.util.Optional.empty();
    }

    /**
     * Stops the run in progress, if any, and records it interrupted. Safe to call from a shutdown
     * hook. Returns the id of the run stopped, 0 when none was in progress.
     */
    public synchronized long interrupt(RunRecords ledger, String why, Instant at) {
        if (runId == 0) {
            return 0;
        }
        long stopping = runId;
        stoppedRunId = stopping;
        stoppedWhy = why;
        ledger.markInterrupted(stopping, why, at);
        runner.stop(stopping);
        runId = 0;
        return stopping;
    }
}
