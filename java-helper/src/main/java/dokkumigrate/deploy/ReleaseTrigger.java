package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.Settings;
import dokkumigrate.platform.SettingsStore;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What both release triggers do, post-release-builder (current Dokku) and pre-deploy (which
 * registry's post-release-builder still calls): run the release's tasks once in the image Dokku
 * releases. Whichever fires first runs them; the ledger's claim makes the other a no-op. It also
 * decides when the boot-time migration scan runs: alone when there is no task, beside the tasks
 * when there are.
 */
public final class ReleaseTrigger {
    /** What the release trigger did; the caller maps it to an exit status. */
    public enum Outcome {
        /** The plugin is disabled for the app, or the app has no task: the deploy goes on. */
        NOTHING_TO_RUN,
        /** Every task succeeded, now or in an earlier caller for the same deploy: the deploy goes on. */
        PROCEED,
        /** A task failed, timed out or was interrupted: the deploy must stop. */
        ABORT
    }

    /** Held while tasks run: records them as interrupted when the process is stopped by a signal. */
    public interface InterruptGuard extends AutoCloseable {
        @Override
        void close();
    }

    private final SettingsStore settings;
    private final Supplier<Ledger> ledger;
    private final Supplier<DeployTasks> release;
    private final Supplier<StandingTakeover> standing;
    private final ScaledMigrationGate gate;
    private final Supplier<InterruptGuard> guard;

    /**
     * @param ledger, release, standing built on first use, so that an app the plugin is disabled for
     *     opens no ledger
     */
    public ReleaseTrigger(SettingsStore settings, Supplier<Ledger> ledger, Supplier<DeployTasks> release,
            Supplier<StandingTakeover> standing, ScaledMigrationGate gate, Supplier<InterruptGuard> guard) {
        this.settings = settings;
        this.ledger = ledger;
        this.release = release;
        this.standing = standing;
        this.gate = gate;
        this.guard = guard;
    }

    /**
     * Runs this release's tasks once in {@code image}.
     *
     * @throws DeployFailure when the scan finds a boot-time migration and the app says
     *     {@code scaled-migrations fail}
     */
    public Outcome run(String app, AppImage image, DeployKey key, String trigger) {
        Settings settings = this.settings.settingsOf(app);
        if (!settings.enabled()) {
            return Outcome.NOTHING_TO_RUN;
        }
        DeployTasks release = this.release.get();
        Optional<Deploy> deploy = standing.get().ranByDokku(app, key, trigger, image)
                .or(() -> release.deployFor(app, key, trigger));
        Plan plan = deploy.map(d -> ledger.get().planOf(d.id())).orElse(Plan.EMPTY);
        if (plan.isEmpty()) {
            gate.check(app, image, settings, plan);
            if (deploy.isEmpty()) {
                return Outcome.NOTHING_TO_RUN;
            }
        }
        try (InterruptGuard held = guard.get()) {
            // with tasks to run, the image is scanned under the task lock by the caller that runs them;
            // other callers for the same deploy wait for the lock and return the recorded result
            TaskCompanion scan = plan.isEmpty() ? TaskCompanion.NONE : gate.besideTasks(app, image, settings, plan);
            return release.run(deploy.get(), image, settings, scan) == DeployTasks.Result.PROCEED ? Outcome.PROCEED
                    : Outcome.ABORT;
        }
    }
}
