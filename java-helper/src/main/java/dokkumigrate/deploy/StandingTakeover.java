package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import dokkumigrate.plan.ExtractionException;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.PlanExtractor;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.AppImage;
import dokkumigrate.platform.DeployCopies;
import dokkumigrate.platform.StandingFiles;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.util.List;
import java.util.Optional;

/**
 * A release without a build (config change, start) of an app whose standing Procfile/app.json
 * still hold its tasks: after a hand-back and {@code enabled true}, or a new install of the plugin.
 * Dokku's own app-json plugin runs before this one (predeploy at pre-release-builder, release at
 * post-release-builder), so by the time the plugin's hook fires Dokku has run them for this release.
 * The plugin records that, runs nothing (never twice), and takes the tasks out of the standing
 * copies, keeping what it took, so that it runs them itself from the next release.
 */
public final class StandingTakeover {
    private final Ledger ledger;
    private final DeployCopies copies;
    private final StandingFiles files;
    private final Console console;
    private final ProcessIdentity helper;

    public StandingTakeover(Ledger ledger, DeployCopies copies, StandingFiles files, Console console, ProcessIdentity helper) {
        this.ledger = ledger;
        this.copies = copies;
        this.files = files;
        this.console = console;
        this.helper = helper;
    }

    /**
     * The deploy recording that Dokku's own runner ran the tasks of this release; empty when this
     * release is a build, is already recorded, or its standing copies hold no task.
     */
    public Optional<Deploy> ranByDokku(String app, DeployKey key, String trigger, AppImage image) {
        if (ledger.findDeploy(app, key).isPresent() || copies.present(app)) {
            return Optional.empty();
        }
        Optional<String> procfile = TakenCopies.text(files.read(app, Phase.Source.PROCFILE));
        Optional<String> appJson = TakenCopies.text(files.read(app, Phase.Source.APP_JSON));
        PlanExtractor.Extraction extraction;
        try {
            extraction = PlanExtractor.extract(procfile.orElse(null), appJson.orElse(null));
        } catch (ExtractionException e) {
            // Dokku's own runner could not read them either; the standing plan applies
            return Optional.empty();
        }
        Plan plan = extraction.plan();
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        Deploy deploy = ledger.recordPlan(app, key, Deploy.Origin.STANDING, trigger, "", plan);
        List<TakenCopy> taken = TakenCopies.of(procfile, appJson, extraction);
        ledger.recordTakenCopies(deploy.id(), taken);
        console.step("Taking over deployment tasks of " + app + " from Dokku's standing Procfile/app.json");
        for (Task task : plan.tasks()) {
            TaskRun run = ledger.claim(deploy.id(), task.phase(), new Ledger.RunClaim(image.name(), "", helper.host(),
                    helper.pid(), helper.clock().instant()));
            ledger.finish(run.id(), RunOutcome.skipped("run by Dokku's own runner "
                    + "from the standing " + task.source().label() + "; the plugin runs it from the next release"),
                    helper.clock().instant());
            console.detail(task.phase().label() + " task from " + task.source().label() + ": "
                    + TerminalText.escape(task.command()) + " (Dokku's own runner ran it in this release)");
        }
        for (TakenCopy copy : taken) {
            if (copy.changed()) {
                files.write(app, copy.file(), copy.stripped());
            }
        }
        console.detail("The plugin runs them from the next release, once each");
        ledger.recordEvent(app, "take-over", "deploy #" + deploy.id() + ": the standing copies held "
                + String.join(" and ", plan.tasks().stream().map(t -> t.phase().label()).toList())
                + ", which Dokku's own runner ran; taken out of them for the plugin", helper.clock().instant());
        return Optional.of(deploy);
    }
}
