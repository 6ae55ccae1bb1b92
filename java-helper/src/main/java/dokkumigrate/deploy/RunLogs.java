package dokkumigrate.deploy;

import java.io.OutputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * The whole output of every run, one log per app and run, named as the ledger records it (the
 * run's {@code logFile}). The ledger keeps only a tail; these keep everything.
 */
public interface RunLogs {

    /** Receives output bytes, exactly as the task printed them. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] bytes, int offset, int length);
    }

    /** The name of a run's log, recorded in the ledger with the run once its id is known. */
    static String fileName(long runId) {
        return runId + ".log";
    }

    /** Opens a run's log for writing, empty: a log of that name written before is replaced. */
    OutputStream create(String app, String name);

    /** Whether the run's log is there to read. */
    boolean exists(String app, String name);

    /**
     * Writes the log, or its last {@code tailLines} lines when given, to the sink. A final newline
     * does not begin another line.
     *
     * @return false when the log is gone (removed before or while it was read); then nothing was written
     */
    boolean copyTo(String app, String name, OptionalLong tailLines, Sink sink);

    /** Where the log is kept, for a person who wants to find it. */
    String location(String app, String name);

    /** Removes the logs of pruned runs. */
    void delete(String app, List<String> names);

    /** Removes every log of an app that is gone. */
    void deleteApp(String app);

    /** The logs follow an app that is renamed. */
    void renameApp(String oldApp, String newApp);

    /** A clone starts with copies of the original app's logs. */
    void copyApp(String fromApp, String toApp);
}
