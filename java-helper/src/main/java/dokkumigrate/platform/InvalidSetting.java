package dokkumigrate.platform;

/**
 * A migrate property in force that {@code migrate:set} would refuse (a file edited by hand). The
 * message names the app, the property and the command that sets it again; the CLI prints it in
 * Dokku's error style and exits non-zero.
 */
public final class InvalidSetting extends RuntimeException {
    public InvalidSetting(String message) {
        super(message);
    }
}
