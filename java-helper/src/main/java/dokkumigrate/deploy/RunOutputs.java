package dokkumigrate.deploy;

import dokkumigrate.ledger.RunRecords;
import dokkumigrate.run.TaskRun;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code migrate:logs} shows: a run's whole output from its log file, or, when that file is
 * gone (pruned, rotated, removed by hand), the tail the ledger kept, saying how much of it is left.
 */
public final class RunOutputs {
    private static final int CHUNK = 64 * 1024;

    private final RunRecords ledger;
    private final RunLogs logs;

    public RunOutputs(RunRecords ledger, RunLogs logs) {
        this.ledger = ledger;
        this.logs = logs;
    }

    /** Receives output bytes, exactly as the task printed them. */
    @FunctionalInterface
    public interface Sink {
        void write(byte[] bytes, int offset, int length);
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
     * @param file        the log file, when {@link Source#LOG_FILE}
     * @param ledgerCopy  the ledger's copy, when {@link Source#LEDGER}
     * @param outputBytes how many bytes the run printed in all, as the ledger recorded when it ended
     */
    public record Output(TaskRun run, Source source, Optional<Path> file, byte[] ledgerCopy, long outputBytes) {
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
        Optional<Path> file = logFile(run).filter(Files::isRegularFile);
        if (file.isPresent()) {
            return new Output(run, Source.LOG_FILE, file, new byte[0], outputBytes);
        }
        if (!run.state().isFinal()) {
            // finish() stores the tail; a run that never finished has none
            return new Output(run, Source.NONE, Optional.empty(), new byte[0], outputBytes);
        }
        return new Output(run, Source.LEDGER, Optional.empty(), ledger.outputTail(run.id()), outputBytes);
    }

    /**
     * Writes the output, or its last {@code tailLines} lines when given, to the sink.
     *
     * @return whether the log file vanished while it was read (then nothing was written)
     */
    public boolean writeTo(Output output, OptionalLong tailLines, Sink sink) {
        switch (output.source()) {
            case LOG_FILE -> {
                return copyFile(output.file().orElseThrow(), tailLines, sink);
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

    private Optional<Path> logFile(TaskRun run) {
        String name = run.logPath();
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        return Optional.of(logs.file(run.app(), name));
    }

    private static boolean copyFile(Path file, OptionalLong tailLines, Sink sink) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = tailLines.isPresent() ? startOfLastLines(in, tailLines.getAsLong()) : 0;
            in.seek(start);
            byte[] buffer = new byte[CHUNK];
            int read;
            while ((read = in.read(buffer)) > 0) {
                sink.write(buffer, 0, read);
            }
            return false;
        } catch (java.io.FileNotFoundException | NoSuchFileException e) {
            return !Files.exists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log file " + file, e);
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

    /** As {@link #startOfLastLines(byte[], long)}, reading the file backwards a chunk at a time. */
    static long startOfLastLines(RandomAccessFile in, long lines) throws IOException {
        long length = in.length();
        if (length == 0) {
            return 0;
        }
        long end = length;
        in.seek(length - 1);
        if (in.read() == '\n') {
            end--;
        }
        byte[] buffer = new byte[CHUNK];
        long seen = 0;
        long position = end;
        while (position > 0) {
            int size = (int) Math.min(buffer.length, position);
            position -= size;
            in.seek(position);
            in.readFully(buffer, 0, size);
            for (int i = size - 1; i >= 0; i--) {
                if (buffer[i] == '\n' && ++seen == lines) {
                    return position + i + 1;
                }
            }
        }
        return 0;
    }
}
