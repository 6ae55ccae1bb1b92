package dokkumigrate.cli;

import dokkumigrate.deploy.Release;
import dokkumigrate.deploy.StandingTakeover;
import dokkumigrate.deploy.TaskCompanion;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Settings;
import java.util.Optional;

/**
 * What both release triggers do, post-release-builder (current Dokku) and pre-deploy (which
 * registry's post-release-builder still calls): run the release's tasks once in the image Dokku
 * releases. Whichever fires first runs them; the ledger's claim makes the other a no-op.
 */
final class ReleaseTrigger {
    private ReleaseTrigger() {
    }

    static int run(Services services, String app, AppImage image) {
        Settings settings = services.properties().settingsOf(app);
        if (!settings.enabled()) {
            return 0;
        }
        Release release = services.release();
        DeployKey key = services.environment().deployKey();
        String trigger = TriggerDescription.of(services.environment());
        Optional<Deploy> deploy = new StandingTakeover(services.ledger(), services.deployCopies(),
                services.standingFiles(), services.console(), services.helper())
                .ranByDokku(app, key, trigger, image)
                .or(() -> release.deployFor(app, key, trigger));
        ScaledMigrationGate gate = new ScaledMigrationGate(services);
        Plan plan = deploy.map(d -> services.ledger().planOf(d.id())).orElse(Plan.EMPTY);
        if (plan.isEmpty()) {
            gate.check(app, image, settings, plan);
            if (deploy.isEmpty()) {
                return 0;
            }
        }
        try (SignalGuard guard = SignalGuard.install(services)) {
            // with tasks to run, the image is scanned under the task lock by the caller that runs them;
            // other callers for the same deploy wait for the lock and return the recorded result
            TaskCompanion scan = plan.isEmpty() ? TaskCompanion.NONE : gate.besideTasks(app, image, settings, plan);
            return release.run(deploy.get(), image, settings, scan) == Release.Result.PROCEED ? 0 : 1;
        }
    }
}
