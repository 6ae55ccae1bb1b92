package dokkumigrate.deploy;

/**
 * A deploy step that must stop the deploy. The message says what happened, to which app and
 * what to do next; the CLI prints it in Dokku's error style and exits non-zero.
 */
public final class DeployFailure extends RuntimeException {
    public DeployFailure(String message) {
        super(message);
    }

    public DeployFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
