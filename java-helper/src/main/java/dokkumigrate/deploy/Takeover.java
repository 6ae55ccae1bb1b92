package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import dokkumigrate.plan.ExtractionException;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.PlanExtractor;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.DeployCopies;
import dokkumigrate.platform.Platform;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * post-extract: takes the deploy's release and predeploy tasks over from Dokku. The plan is
 * recorded first (so nothing is lost), then the deploy is marked as taken over, then the tasks
 * are removed from this deploy's Procfile and app.json copies (so Dokku's own runner finds
 * nothing), then Dokku is asked, through its own {@code procfile-get-command}, to confirm that no
 * release task is left for it. Both copies, as found and as left, are kept in the ledger:
 * core-post-deploy makes them the app's standing copies, and {@link HandBack} puts back exactly
 * what was taken.
 *
 * <p>Exactly once either way: the release triggers run a build's plan only when the build is
 * marked, and a changed copy is never left without the mark. Any failure before the mark leaves
 * the copies as Dokku wrote them (Dokku's own runner runs the tasks); a failure while the copies
 * are rewritten puts them back and then removes the mark; only when they cannot be put back does
 * the mark stay, and the deploy stops.
 */
public final class Takeover {
    private final Supplier<Ledger> ledger;
    private final DeployCopies copies;
    private final Platform platform;
    private final Console console;

    /**
     * @param ledger opened only once the copies have been read and parsed, so a malformed file stops
     *     the deploy without touching the ledger
     */
    public Takeover(Supplier<Ledger> ledger, DeployCopies copies, Platform platform, Console console) {
        this.ledger = ledger;
        this.copies = copies;
        this.platform = platform;
        this.console = console;
    }

    /**
     * @param revision the source revision of the build (post-extract's REV), '' when Dokku gave none
     */
    public Deploy takeOver(String app, DeployKey key, String trigger, String revision) {
        Optional<String> procfile = read(app, copies::readProcfile);
        Optional<String> appJson = read(app, copies::readAppJson);
        PlanExtractor.Extraction extraction = extract(app, procfile, appJson);
        Plan plan = extraction.plan();

        Ledger ledger = this.ledger.get();
        Optional<Deploy> earlier = ledger.findDeploy(app, key);
        if (plan.isEmpty() && earlier.isPresent() && !ledger.planOf(earlier.get().id()).isEmpty()) {
            // a repeated post-extract of a deploy whose copies were already rewritten: the plan stands
            verifyNothingLeftForDokku(app);
            return earlier.get();
        }
        Deploy deploy = ledger.recordPlan(app, key, Deploy.Origin.EXTRACTED, trigger, revision, plan);
        // kept before the copies change, so that a hand-back can always put back what was taken
        ledger.recordTakenCopies(deploy.id(), TakenCopies.of(procfile, appJson, extraction));
        copies.markTakenOver(app);
        try {
            rewriteCopies(app, extraction);
        } catch (RuntimeException e) {
            throw handBack(app, key, trigger, revision, procfile, appJson, e);
        }
        console.step("Taking over deployment tasks of " + app);
        if (plan.isEmpty()) {
            console.detail("No release or predeploy task found");
        }
        for (Task task : plan.tasks()) {
            console.detail(task.phase().label() + " task from " + task.source().label() + ": "
                    + TerminalText.escape(task.command()) + " (runs once, before any container starts)");
        }
        verifyNothingLeftForDokku(app);
        return deploy;
    }

    /**
     * A copy could not be rewritten: both copies get back the text Dokku wrote and the mark goes,
     * so the deploy's tasks are Dokku's again; the recorded plan is emptied (best effort) so that
     * nothing reports them as planned. When a copy cannot be put back the mark stays and the
     * deploy stops, since neither runner could be trusted to run its tasks exactly once.
     */
    private RuntimeException handBack(String app, DeployKey key, String trigger, String revision, Optional<String> procfile,
                                      Optional<String> appJson, RuntimeException cause) {
        try {
            procfile.ifPresent(text -> copies.writeProcfile(app, text));
            appJson.ifPresent(text -> copies.writeAppJson(app, text));
            copies.clearTakenOver(app);
        } catch (RuntimeException undo) {
            undo.addSuppressed(cause);
            return new DeployFailure("Could not take over the deployment tasks of " + app + " (" + cause.getMessage()
                    + "), nor put Dokku's copies back (" + undo.getMessage() + "). The deploy stops so that no task "
                    + "runs twice or not at all; free the disk or fix the permissions of " + copies.procfilePath(app)
                    + ", then deploy again.", undo);
        }
        try {
            ledger.get().recordPlan(app, key, Deploy.Origin.EXTRACTED, trigger, revision, Plan.EMPTY);
        } catch (RuntimeException notRecorded) {
            cause.addSuppressed(notRecorded);
        }
        return new DeployFailure("Could not take over the deployment tasks of " + app + ": " + cause.getMessage()
                + ". Dokku's copies were put back as they were.", cause);
    }

    /** A per-deploy copy's text; one that is not text (not UTF-8) stops the deploy, naming the file. */
    private static Optional<String> read(String app, java.util.function.Function<String, Optional<String>> reader) {
        try {
            return reader.apply(app);
        } catch (IllegalArgumentException e) {
            throw new InvalidTaskFiles("Cannot read the deployment tasks of " + app + ": " + e.getMessage()
                    + ". Nothing was changed; fix the file and deploy again.", e);
        }
    }

    private PlanExtractor.Extraction extract(String app, Optional<String> procfile, Optional<String> appJson) {
        try {
            return PlanExtractor.extract(procfile.orElse(null), appJson.orElse(null));
        } catch (ExtractionException e) {
            String path = e.fileLabel().equals("app.json") ? copies.appJsonPath(app) : copies.procfilePath(app);
            throw new InvalidTaskFiles("Cannot read the deployment tasks of " + app + ": "
                    + e.withFile(path).getMessage() + ". Nothing was changed; fix the file and deploy again.", e);
        }
    }

    private void rewriteCopies(String app, PlanExtractor.Extraction extraction) {
        switch (extraction.procfileChange()) {
            case UNCHANGED -> { }
            case REWRITTEN -> copies.writeProcfile(app, extraction.procfile().orElseThrow());
            case NOW_EMPTY -> copies.markProcfileMissing(app);
        }
        if (extraction.appJsonChanged()) {
            copies.writeAppJson(app, extraction.appJson().orElseThrow());
        }
    }

    private void verifyNothingLeftForDokku(String app) {
        Optional<String> left = platform.nativeReleaseCommand(app);
        if (left.isPresent()) {
            throw new DeployFailure("Dokku would still run a release task for " + app + " itself ("
                    + TerminalText.escape(left.get()) + "), so it would run twice. Check that no other plugin "
                    + "restores the Procfile at " + copies.procfilePath(app) + ", or hand the app back to Dokku "
                    + "with: dokku migrate:set " + app + " enabled false");
        }
    }
}
