package dokkumigrate.cli;

import dokkumigrate.deploy.Release;
import dokkumigrate.deploy.TaskCompanion;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.Settings;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** pre-deploy APP IMAGE_TAG: fires once per release, after the image is built and before any container starts. */
@Command(name = "pre-deploy",
        description = "Trigger: run this deploy's predeploy and release tasks once; a failure aborts the deploy.")
final class PreDeployCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Parameters(index = "0", paramLabel = "APP", description = "The app being deployed.")
    private String app;

    @Parameters(index = "1", paramLabel = "IMAGE_TAG", defaultValue = "latest",
            description = "The tag of the deploying image (dokku/APP:IMAGE_TAG).")
    private String imageTag;

    @Override
    public Integer call() {
        AppNames.requireValid(app);
        Services services = top.services();
        Settings settings = services.properties().settingsOf(app);
        if (!settings.enabled()) {
            return 0;
        }
        Release release = new Release(services.ledger(), services.runner(), services.locks(), services.platform(),
                services.logs(), services.console(), services.helper(), services.inFlight(), services.lockChooser());
        Optional<Deploy> deploy = release.deployFor(app, services.environment().deployKey(),
                TriggerDescription.of(services.environment()));
        ScaledMigrationGate gate = new ScaledMigrationGate(services);
        Plan plan = deploy.map(d -> services.ledger().planOf(d.id())).orElse(Plan.EMPTY);
        if (plan.isEmpty()) {
            gate.check(app, imageTag, settings, plan);
            if (deploy.isEmpty()) {
                return 0;
            }
        }
        try (SignalGuard guard = SignalGuard.install(services)) {
            // with tasks to run, the image is scanned under the task lock by the caller that runs them;
            // other callers for the same deploy wait for the lock and return the recorded result
            TaskCompanion scan = plan.isEmpty() ? TaskCompanion.NONE : gate.besideTasks(app, imageTag, settings, plan);
            return release.run(deploy.get(), imageTag, settings, scan) == Release.Result.PROCEED ? 0 : 1;
        }
    }
}
