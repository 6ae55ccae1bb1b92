package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.DeployRecords;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.Settings;
import dokkumigrate.run.TaskRunner;
import java.util.List;
import java.util.Optional;

/**
 * {@code migrate:run}: runs the app's standing tasks again against the image of the app's deployed
 * release (as Dokku resolves it: a registry's repository, image repo and tag included), as a
 * new deploy of origin manual, through {@link DeployTasks}, so with the same claim, lock, timeout and
 * recording as a deploy. A predeploy task is committed into the image, as at deploy time.
 */
public final class ManualRun {
    private final DeployRecords ledger;
    private final TaskRunner runner;
    private final Platform platform;
    private final DeployTasks release;

    public ManualRun(DeployRecords ledger, TaskRunner runner, Platform platform, DeployTasks release) {
        this.ledger = ledger;
        this.runner = runner;
        this.platform = platform;
        this.release = release;
    }

    /**
     * Records a manual deploy of the app's standing plan (only {@code phase}'s task when given),
     * keyed by this invocation, after checking that there is something to run and an image to run
     * it in; nothing is recorded when either is missing.
     *
     * @throws Refused when the app is handed back to Dokku, has no such task, or no deployed image
     */
    public Deploy prepare(String app, Optional<Phase> phase, DeployKey key, Settings settings) {
        if (!settings.enabled()) {
            throw new Refused("migrate is disabled for " + app + ", so Dokku's own runner runs its tasks and the "
                    + "plugin's record of them may be stale. Enable it first: dokku migrate:set " + app + " enabled true");
        }
        Deploy standing = ledger.latestExtracted(app).orElseThrow(() -> new Refused("No build of " + app
                + " has been recorded, so there is no task to run again. Deploy it first (git push, or dokku ps:rebuild "
                + app + ")"));
        Plan plan = ledger.planOf(standing.id());
        if (plan.isEmpty()) {
            throw new Refused(app + " has no release or predeploy task: its last build (deploy #" + standing.id()
                    + ") had no release entry in its Procfile and no scripts.dokku.predeploy in its app.json");
        }
        if (phase.isPresent()) {
            Phase wanted = phase.get();
            plan = new Plan(plan.task(wanted).map(List::of).orElseThrow(() -> new Refused(app + " has no "
                    + wanted.label() + " task: its last build (deploy #" + standing.id() + ") had no "
                    + (wanted == Phase.RELEASE ? "release entry in its Procfile" : "scripts.dokku.predeploy in its app.json")
                    + ". Its tasks: " + String.join(", ", ledger.planOf(standing.id()).tasks().stream()
                            .map(t -> t.phase().label()).toList()))));
        }
        AppImage image = platform.deployedImage(app);
        if (runner.imageId(image.name()).isEmpty()) {
            throw new Refused(app + " has no deployed image (" + image + " does not exist), so there is nothing to run "
                    + "its tasks in. Deploy it first (git push, or dokku ps:rebuild " + app + ")");
        }
        String trigger = "migrate:run" + phase.map(p -> " --phase " + p.label()).orElse("")
                + ", tasks of deploy #" + standing.id();
        return ledger.recordPlan(app, key, Deploy.Origin.MANUAL, trigger, standing.revision(), plan);
    }

    /** Runs a deploy recorded by {@link #prepare} in the app's deployed image; whether every task succeeded. */
    public boolean run(Deploy deploy, Settings settings) {
        return release.run(deploy, platform.deployedImage(deploy.app()), settings) == DeployTasks.Result.PROCEED;
    }
}
