package dokkumigrate.deploy;

import dokkumigrate.output.Console;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.DeployCopies;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.Settings;
import dokkumigrate.scan.BootMigrationReport;
import dokkumigrate.scan.BootMigrationScanner;
import dokkumigrate.scan.ProcessScale;
import dokkumigrate.scan.Procfile;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Before a release: warns, or stops the deploy ({@code scaled-migrations fail}), when a process
 * that runs more than once migrates at boot, the cause of ConcurrentMigrationError.
 */
public final class ScaledMigrationGate {
    private final Platform platform;
    private final DeployCopies copies;
    private final Supplier<BootMigrationScanner> scanner;
    private final Console console;

    /** @param scanner built on first use: an app that ignores the check never reaches Docker for it */
    public ScaledMigrationGate(Platform platform, DeployCopies copies, Supplier<BootMigrationScanner> scanner,
            Console console) {
        this.platform = platform;
        this.copies = copies;
        this.scanner = scanner;
        this.console = console;
    }

    /** The check on its own, before anything runs: a finding with {@code fail} throws {@link DeployFailure}. */
    public void check(String app, AppImage image, Settings settings, Plan plan) {
        if (settings.scaledMigrations() != Settings.ScaledMigrations.IGNORE) {
            report(app, settings, scan(app, image, plan));
        }
    }

    /**
     * The check as the companion of the deploy's tasks. With {@code fail} it comes before them, as
     * a finding stops the deploy before anything runs; with {@code warn} the image is scanned while
     * the tasks run and the warnings follow their output, so the scan adds no time to the deploy.
     */
    public TaskCompanion besideTasks(String app, AppImage image, Settings settings, Plan plan) {
        return switch (settings.scaledMigrations()) {
            case IGNORE -> TaskCompanion.NONE;
            case FAIL -> () -> check(app, image, settings, plan);
            case WARN -> new TaskCompanion() {
                private CompletableFuture<BootMigrationReport> scanning;

                @Override
                public void beforeTasks() {
                    scanning = Background.start("boot-migration scan of " + app, () -> scan(app, image, plan));
                }

                @Override
                public void afterTasks() {
                    report(app, settings, Background.await(scanning));
                }
            };
        };
    }

    private BootMigrationReport scan(String app, AppImage image, Plan plan) {
        Optional<String> procfileText = copies.readProcfile(app)
                .or(() -> platform.permanentProcfile(app));
        Procfile procfile = procfileText.map(Procfile::parse).orElse(Procfile.EMPTY);
        return scanner.get().scan(app, procfile,
                ProcessScale.of(platform.currentScale(app)), plan, image.name(),
                Optional.of(platform.configEnv(app)));
    }

    private void report(String app, Settings settings, BootMigrationReport report) {
        if (report.isEmpty()) {
            return;
        }
        console.formatted(report.dokkuLines());
        if (settings.scaledMigrations() == Settings.ScaledMigrations.FAIL && report.hasWarnings()) {
            throw new DeployFailure("Stopped the deploy of " + app + ": a process that runs more than once "
                    + "migrates at boot (see above). Apply the fix shown, or let the deploy go on with a warning: "
                    + "dokku migrate:set " + app + " scaled-migrations warn");
        }
    }
}
