package dokkumigrate.deploy;

import dokkumigrate.ledger.RunRecords;
import dokkumigrate.run.TaskRun;
import java.util.OptionalLong;

/**
 * What {@code migrate:logs} shows: a run's whole output from its log file, or, when that file is
 * gone (pruned, rotated, removed by hand), the tail the ledger kept, saying how much of it is left.
 */
public final class RunOutputs {
    private final RunRecords ledger;
    private final RunLogs logs;

    public RunOutputs(RunRecords ledger, RunLogs logs) {
        this.ledger = ledger;
        this.logs = logs;
    }

    /** Where a run's output comes from. */
    public enum Source {
        /** The run's log file: everything it printed. */
        LOG_FILE,
        /** The log file is gone; the ledger's copy of the output's tail. */
        LEDGER,
        /** The log file is gone and the ledger has no copy (the run never ended normally). */
        NONE
    }

    /**
     * A run's output as found.
     *
     * @param ledgerCopy  the ledger's copy, when {@link Source#LEDGER}
     * @param outputBytes how many bytes the run printed in all, as the ledger recorded when it ended
     */
    public record Output(TaskRun run, Source source, byte[] ledgerCopy, long outputBytes) {
        /** Whether the ledger's copy lacks the start of the output. */
        public boolean ledgerCopyTruncated() {
            return source == Source.LEDGER && outputBytes > ledgerCopy.length;
        }
    }

    /**
     * The run to show: the one asked for, which must be a run of the app, or else the app's newest.
     *
     * @throws Refused when there is no such run, it belongs to another app, or the app has none
     */
    public TaskRun select(String app, OptionalLong runId) {
        if (runId.isEmpty()) {
            return ledger.latestRun(app).orElseThrow(() -> new Refused("No task of " + app + " has run yet: "
                    + "the output of its release and predeploy tasks shows here once a deploy has run them"));
        }
        long id = runId.getAsLong();
        TaskRun run = ledger.findRun(id).orElseThrow(() -> new Refused("Run #" + id + " does not exist. "
                + "See the runs of " + app + " with: dokku migrate:status " + app + " --all"));
        if (!run.app().equals(app)) {
            throw new Refused("Run #" + id + " is not a run of " + app + " (it belongs to " + run.app() + "). "
                    + "See the runs of " + app + " with: dokku migrate:status " + app + " --all");
        }
        return run;
    }

    public Output of(TaskRun run) {
        long outputBytes = ledger.outputBytes(run.id());
        if (logs.exists(run.app(), run.logFile())) {
            return new Output(run, Source.LOG_FILE, new byte[0], outputBytes);
        }
        if (!run.state().isFinal()) {
            // finish() stores the tail; a run that never finished has none
            return new Output(run, Source.NONE, new byte[0], outputBytes);
        }
        return new Output(run, Source.LEDGER, ledger.outputTail(run.id()), outputBytes);
    }

    /**
     * Writes the output, or its last {@code tailLines} lines when given, to the sink.
     *
     * @return whether the log file vanished while it was read (then nothing was written)
     */
    public boolean writeTo(Output output, OptionalLong tailLines, RunLogs.Sink sink) {
        switch (output.source()) {
            case LOG_FILE -> {
                TaskRun run = output.run();
                return !logs.copyTo(run.app(), run.logFile(), tailLines, sink);
            }
            case LEDGER -> {
                byte[] copy = output.ledgerCopy();
                int start = tailLines.isPresent() ? startOfLastLines(copy, tailLines.getAsLong()) : 0;
                sink.write(copy, start, copy.length - start);
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** Where the last {@code lines} lines start; a final newline does not begin another line. */
    static int startOfLastLines(byte[] bytes, long lines) {
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
        }
        long seen = 0;
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == '\n' && ++seen == lines) {
                return i + 1;
            }
        }
        return 0;
    }
}
