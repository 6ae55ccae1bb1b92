package dokkumigrate.scan;

import dokkumigrate.plan.Plan;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the boot-migration check reads about one app.
 *
 * @param app         the app's name (for the {@code dokku config:set} commands in fixes)
 * @param scale       the process types and how many instances of each run ({@code ps-current-scale})
 * @param procfile    the app's Procfile as deployed (an empty Procfile when it has none)
 * @param deployTasks the tasks that run once per deploy (Procfile {@code release}, app.json
 *                    {@code predeploy}), as the plan recorded them before taking them over
 * @param image       the deploying image's config and boot scripts
 * @param environment the app's full environment (image {@code Env} plus config), when the caller
 *                    has it: lets conditions on variables ({@code RUN_MIGRATIONS}) be decided;
 *                    empty makes them undecided, so the commands they guard are reported
 */
public record BootScanInput(String app, ProcessScale scale, Procfile procfile, Plan deployTasks, BootImage image,
                            Optional<Map<String, String>> environment) {

    public BootScanInput {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(procfile, "procfile");
        Objects.requireNonNull(deployTasks, "deployTasks");
        Objects.requireNonNull(image, "image");
        environment = environment.map(Map::copyOf);
    }

    /** An input whose conditions on environment variables stay undecided. */
    public static BootScanInput of(String app, ProcessScale scale, Procfile procfile, Plan deployTasks, BootImage image) {
        return new BootScanInput(app, scale, procfile, deployTasks, image, Optional.empty());
    }
}
