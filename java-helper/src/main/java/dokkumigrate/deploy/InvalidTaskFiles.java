package dokkumigrate.deploy;

/**
 * post-extract read a Procfile or app.json it cannot use, and changed nothing. The deploy stops
 * (Dokku's runner would not make sense of the file either); the message names the file and the
 * problem. The helper exits with {@link #EXIT_CODE}, which the post-extract trigger file tells
 * apart from a helper that could not run at all (then Dokku's own runner takes the tasks).
 */
public final class InvalidTaskFiles extends RuntimeException {
    /** sysexits' EX_DATAERR: never the exit status of a JVM that failed to start. */
    public static final int EXIT_CODE = 65;

    public InvalidTaskFiles(String message, Throwable cause) {
        super(message, cause);
    }
}
