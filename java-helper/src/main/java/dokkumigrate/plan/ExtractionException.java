package dokkumigrate.plan;

import java.util.Objects;

/**
 * A Procfile or app.json that cannot be read the way Dokku reads it. The message names the
 * file, the line (and column when known) and the problem, for example
 * {@code Procfile line 3: process names must be unique}.
 */
public final class ExtractionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String fileLabel;
    private final int line;
    private final int column;
    private final String reason;

    /**
     * @param fileLabel what to call the file: "Procfile", "app.json" or its path
     * @param line 1-based line, 0 when unknown
     * @param column 1-based column, 0 when unknown
     * @param reason what is wrong, without file or position
     */
    public ExtractionException(String fileLabel, int line, int column, String reason, Throwable cause) {
        super(describe(fileLabel, line, column, reason), cause);
        this.fileLabel = Objects.requireNonNull(fileLabel, "fileLabel");
        this.line = Math.max(line, 0);
        this.column = line > 0 ? Math.max(column, 0) : 0;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ExtractionException(String fileLabel, int line, String reason) {
        this(fileLabel, line, 0, reason, null);
    }

    /** The same problem, reported against the file's actual path. */
    public ExtractionException withFile(String path) {
        ExtractionException relabelled = new ExtractionException(path, line, column, reason, getCause());
        relabelled.setStackTrace(getStackTrace());
        return relabelled;
    }

    public String fileLabel() {
        return fileLabel;
    }

    /** 1-based line of the problem, 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the problem, 0 when unknown. */
    public int column() {
        return column;
    }

    /** The problem alone, without file or position. */
    public String reason() {
        return reason;
    }

    private static String describe(String fileLabel, int line, int column, String reason) {
        StringBuilder message = new StringBuilder(String.valueOf(fileLabel));
        if (line > 0) {
            message.append(" line ").append(line);
            if (column > 0) {
                message.append(", column ").append(column);
            }
        }
        return message.append(": ").append(reason).toString();
    }
}
