package dokkumigrate.scan;

import java.util.Objects;
import java.util.Optional;

/**
 * A condition a command runs under in a script: an {@code if}/{@code elif} condition (or the
 * {@code else} of one) or a {@code case} pattern.
 *
 * @param condition  the condition as written ({@code [ "$1" = server ]}, {@code case "$1" in web)})
 * @param line       the line it is written on
 * @param negated    the command is in the {@code else} branch: it runs when the condition is false
 * @param certain    the condition is known to let the command run for this process (its command
 *                   line decided it); false when it depends on something unknown, such as config
 * @param switchedOffBy the environment setting that stops the command, when the condition tests
 *                   an environment variable ({@code RUN_MIGRATIONS=false}); empty otherwise
 */
public record Guard(String condition, int line, boolean negated, boolean certain,
                    Optional<EnvironmentSetting> switchedOffBy) {

    public Guard {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(switchedOffBy, "switchedOffBy");
    }

    /** An environment variable set to a value, or unset ({@code value} empty). */
    public record EnvironmentSetting(String name, Optional<String> value) {
        /** The Dokku command that applies it to an app. */
        public String dokkuCommand(String app) {
            return value.map(v -> "dokku config:set " + app + " " + name + "=" + v)
                    .orElse("dokku config:unset " + app + " " + name);
        }
    }
}
