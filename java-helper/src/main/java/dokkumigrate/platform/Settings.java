package dokkumigrate.platform;

import java.time.Duration;

/** The settings in force for one app. */
public record Settings(
        boolean enabled,
        Duration timeout,
        String lockGroup,
        ScaledMigrations scaledMigrations,
        int outputLimitBytes,
        int keepRuns) {

    public enum ScaledMigrations { WARN, FAIL, IGNORE }

    /** The lock that serialises this app's tasks: its lock group's when set, else its own. */
    public String lockKey(String app) {
        return lockGroup.isEmpty() ? "app." + app : "group." + lockGroup;
    }
}
