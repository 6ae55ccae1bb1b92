package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import dokkumigrate.plan.ExtractionException;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.PlanExtractor;
import dokkumigrate.platform.DeployCopies;
import dokkumigrate.platform.StandingFiles;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.util.List;
import java.util.Optional;

/**
 * post-deploy: marks the deploy whose tasks ran as rolled out, or records a restart, scale or
 * redeploy of the current image (post-deploy fires for those too, with no release before it).
 * A release whose tasks were planned but never ran (no release trigger reached the plugin) is
 * said loudly and recorded as missed, so that {@code migrate:doctor} fails; the deploy goes on. A
 * build whose post-extract did not mark it as taken over left its tasks to Dokku's own runner,
 * which ran them: nothing was missed. A config change releases without a build: when no release
 * trigger of the plugin recorded it, the app's standing tasks went unrun unless Dokku's own runner
 * found them in the standing Procfile/app.json.
 */
public final class Rollout {
    private final Ledger ledger;
    private final Console console;
    private final ProcessIdentity helper;
    private final DeployCopies copies;
    private final StandingFiles standing;

    public Rollout(Ledger ledger, Console console, ProcessIdentity helper, DeployCopies copies, StandingFiles standing) {
        this.ledger = ledger;
        this.console = console;
        this.helper = helper;
        this.copies = copies;
        this.standing = standing;
    }

    /**
     * @param buildSource Dokku's DOKKU_BUILD_SOURCE: {@code config-redeploy} for the release of a
     *                    config change, which takes no build
     */
    public void rolledOut(String app, DeployKey key, String imageTag, Optional<String> buildSource) {
        Optional<Deploy> deploy = ledger.findDeploy(app, key)
                .or(() -> unrecordedRelease(app, key, buildSource.orElse("")));
        if (deploy.isPresent()) {
            long id = deploy.get().id();
            ledger.markRolledOut(id, helper.clock().instant());
            List<DeployState.TaskState> unrun = DeployState.of(ledger.planOf(id), ledger.runsOf(id)).unrun();
            if (unrun.isEmpty()) {
                console.detail("migrate: deploy #" + id + " of " + app + " rolled out");
            } else if (deploy.get().origin() == Deploy.Origin.EXTRACTED && !copies.isTakenOver(app)) {
                leftToDokku(app, id, unrun);
            } else {
                reportMissed(app, id, unrun);
            }
        } else {
            ledger.recordEvent(app, "restart", "containers of image tag " + (imageTag.isEmpty() ? "latest" : imageTag)
                    + " (re)started without a release: restart, scale or redeploy", helper.clock().instant());
        }
    }

    /**
     * A config change's release that no release trigger of the plugin recorded, as a deploy of the
     * app's standing plan (which then shows as missed); empty when the app has no standing task, or
     * when Dokku's own runner found the tasks in the standing Procfile/app.json and ran them itself.
     */
    private Optional<Deploy> unrecordedRelease(String app, DeployKey key, String buildSource) {
        if (!buildSource.equals("config-redeploy")) {
            return Optional.empty();
        }
        Optional<Deploy> standing = ledger.latestExtracted(app);
        Plan plan = standing.map(d -> ledger.planOf(d.id())).orElse(Plan.EMPTY);
        if (plan.isEmpty() || dokkuRunsStandingTasks(app)) {
            return Optional.empty();
        }
        return Optional.of(ledger.recordPlan(app, key, Deploy.Origin.STANDING, "source=" + buildSource,
                standing.orElseThrow().revision(), plan));
    }

    private boolean dokkuRunsStandingTasks(String app) {
        try {
            return !PlanExtractor.extract(TakenCopies.text(standing.read(app, Phase.Source.PROCFILE)).orElse(null),
                    TakenCopies.text(standing.read(app, Phase.Source.APP_JSON)).orElse(null)).plan().isEmpty();
        } catch (ExtractionException unreadable) {
            // Dokku's own runner cannot read them either
            return false;
        }
    }

    /** Records the tasks Dokku's own runner ran, as skipped runs, so that no check takes them for missed. */
    private void leftToDokku(String app, long deployId, List<DeployState.TaskState> unrun) {
        for (DeployState.TaskState task : unrun) {
            TaskRun run = ledger.claim(deployId, task.task().phase(), new Ledger.RunClaim("", "", helper.host(),
                    helper.pid(), helper.clock().instant()));
            ledger.finish(run.id(), RunOutcome.skipped("run by Dokku's own runner: "
                    + "post-extract did not take it over"), helper.clock().instant());
        }
        console.detail("migrate: deploy #" + deployId + " of " + app + " rolled out; its tasks were left to "
                + "Dokku's own runner (post-extract did not take them over)");
        ledger.recordEvent(app, "left-to-dokku", "deploy #" + deployId + ": post-extract did not take its tasks over",
                helper.clock().instant());
    }

    private void reportMissed(String app, long deployId, List<DeployState.TaskState> unrun) {
        List<String> tasks = unrun.stream().map(t -> t.task().phase().label() + " (" + t.task().source().label()
                + ": " + TerminalText.escape(t.task().command()) + "): "
                + t.lastRun().map(r -> r.state().label() + " (run #" + r.id() + ")").orElse("not run")).toList();
        console.warn("migrate: the release of " + app + " (deploy #" + deployId + ") rolled out, but its tasks did not run:");
        tasks.forEach(task -> console.warn("  " + task));
        console.warn("The plugin had taken them out of Dokku's copies and no release trigger reached it, so neither "
                + "Dokku nor the plugin ran them.");
        console.warn("Run them now: dokku migrate:run " + app + "; then check: dokku migrate:doctor " + app);
        ledger.recordEvent(app, "missed", "deploy #" + deployId + " rolled out without running "
                + String.join(", ", unrun.stream().map(t -> t.task().phase().label()).toList()), helper.clock().instant());
    }
}
