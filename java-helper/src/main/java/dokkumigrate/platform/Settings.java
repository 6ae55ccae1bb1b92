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
}
