package dokkumigrate.cli;

/** Bad input from the operator or from Dokku: printed as a Dokku error, exit 1, nothing written. */
public final class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }
}
