package dokkumigrate.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * One release of an app: a build (plan extracted at post-extract), a release without a build
 * (config change, start of a stopped app: the standing plan), or a manual {@code migrate:run}.
 *
 * @param revision the source revision released (post-extract's REV; for a release without a build,
 *                 the standing plan's), '' when unknown
 */
public record Deploy(
        long id,
        String app,
        DeployKey key,
        Origin origin,
        String trigger,
        String revision,
        Instant createdAt,
        Optional<Instant> rolledOutAt) {

    public enum Origin {
        /** The plan was extracted from this deploy's own Procfile/app.json copies. */
        EXTRACTED,
        /** Dokku released without a new build; the app's last extracted plan ran again. */
        STANDING,
        /** An operator ran a task again with {@code migrate:run}. */
        MANUAL;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Origin parse(String label) {
            return valueOf(label.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
