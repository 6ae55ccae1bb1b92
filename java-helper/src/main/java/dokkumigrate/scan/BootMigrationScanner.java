package dokkumigrate.scan;

import dokkumigrate.plan.Plan;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the migrations an app's instances run at boot, for one image: reads the image
 * ({@link BootImageSource}) and checks it against the app's Procfile and scale
 * ({@link ScaledMigrationCheck}). The one call the pre-deploy hook and {@code migrate:doctor} make.
 */
public final class BootMigrationScanner {

    private final BootImageSource images;
    private final ScaledMigrationCheck check;

    public BootMigrationScanner(BootImageSource images) {
        this(images, new ScaledMigrationCheck());
    }

    public BootMigrationScanner(BootImageSource images, ScaledMigrationCheck check) {
        this.images = Objects.requireNonNull(images, "images");
        this.check = Objects.requireNonNull(check, "check");
    }

    /**
     * @param app         the app's name
     * @param procfile    the app's Procfile as deployed ({@link Procfile#EMPTY} when none)
     * @param scale       its process scale ({@code ps-current-scale})
     * @param deployTasks its once-per-deploy tasks (release, predeploy)
     * @param image       the image its instances start from
     */
    public BootMigrationReport scan(String app, Procfile procfile, ProcessScale scale, Plan deployTasks, String image) {
        return scan(app, procfile, scale, deployTasks, image, Optional.empty());
    }

    /**
     * As {@link #scan(String, Procfile, ProcessScale, Plan, String)}, deciding conditions on
     * environment variables from the app's config (values over the image's {@code Env}).
     */
    public BootMigrationReport scan(String app, Procfile procfile, ProcessScale scale, Plan deployTasks, String image,
                                    Optional<Map<String, String>> appConfig) {
        boolean anyInstance = scale.instances().entrySet().stream()
                .anyMatch(e -> !e.getKey().equals("release") && e.getValue() > 0);
        if (!anyInstance) {
            return BootMigrationReport.EMPTY;
        }
        BootImage bootImage = images.read(image, procfile.entries().stream().map(ProcfileEntry::command).toList());
        Optional<Map<String, String>> environment = appConfig.map(config -> {
            Map<String, String> merged = new java.util.LinkedHashMap<>(bootImage.config().environment());
            merged.putAll(config);
            return merged;
        });
        return check.check(new BootScanInput(app, scale, procfile, deployTasks, bootImage, environment));
    }
}
