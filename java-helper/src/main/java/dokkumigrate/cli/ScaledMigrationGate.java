package dokkumigrate.cli;

import dokkumigrate.deploy.DeployFailure;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.Settings;
import dokkumigrate.scan.BootMigrationReport;
import dokkumigrate.scan.ProcessScale;
import dokkumigrate.scan.Procfile;
import java.util.Optional;

/**
 * Before a release: warns, or stops the deploy ({@code scaled-migrations fail}), when a process
 * that runs more than once migrates at boot, the cause of ConcurrentMigrationError.
 */
final class ScaledMigrationGate {
    private final Services services;

    ScaledMigrationGate(Services services) {
        this.services = services;
    }

    void check(String app, String imageTag, Settings settings, Plan plan) {
        if (settings.scaledMigrations() == Settings.ScaledMigrations.IGNORE) {
            return;
        }
        Platform platform = services.platform();
        Optional<String> procfileText = services.deployCopies().readProcfile(app)
                .or(() -> platform.permanentProcfile(app));
        Procfile procfile = procfileText.map(Procfile::parse).orElse(Procfile.EMPTY);
        BootMigrationReport report = services.bootMigrationScanner().orElseThrow().scan(app, procfile,
                ProcessScale.of(platform.currentScale(app)), plan, platform.deployingImage(app, imageTag),
                Optional.of(platform.configEnv(app)));
        if (report.isEmpty()) {
            return;
        }
        services.console().formatted(report.dokkuLines());
        if (settings.scaledMigrations() == Settings.ScaledMigrations.FAIL && report.hasWarnings()) {
            throw new DeployFailure("Stopped the deploy of " + app + ": a process that runs more than once "
                    + "migrates at boot (see above). Apply the fix shown, or let the deploy go on with a warning: "
                    + "dokku migrate:set " + app + " scaled-migrations warn");
        }
    }
}
