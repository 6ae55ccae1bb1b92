package dokkumigrate.deploy;

import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.output.Console;
import dokkumigrate.plan.ExtractionException;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.PlanExtractor;
import dokkumigrate.plan.Task;
import dokkumigrate.plan.TaskRestoration;
import dokkumigrate.platform.StandingFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Gives an app's tasks back to Dokku's own runner when the plugin stops owning them
 * ({@code migrate:set enabled false}, {@code plugin:uninstall}): the release entry and
 * {@code scripts.dokku.predeploy} go back into the standing Procfile/app.json exactly as they were,
 * from the copies the ledger kept when they were taken. A standing file that is not one the plugin
 * left is never overwritten; if it lacks a task the plugin took, that is reported. A task taken
 * before the ledger kept copies (an upgrade) goes back from the recorded plan, the file rewritten.
 */
public final class HandBack {
    /** How many of the app's latest deploys are searched for the copy the standing file is. */
    private static final int LOOK_BACK = 100;

    private final Ledger ledger;
    private final StandingFiles files;
    private final Console console;
    private final ProcessIdentity helper;

    public HandBack(Ledger ledger, StandingFiles files, Console console, ProcessIdentity helper) {
        this.ledger = ledger;
        this.files = files;
        this.console = console;
        this.helper = helper;
    }

    /**
     * Puts the tasks of every app the ledger knows back, for {@code plugin:uninstall}; an app that
     * no longer exists is skipped.
     *
     * @return false when a task of one of them could not be put back (reported with what to do)
     */
    public boolean handBackEvery(Predicate<String> appExists, String why) {
        boolean all = true;
        for (String app : ledger.apps()) {
            if (appExists.test(app)) {
                all &= handBack(app, why);
            }
        }
        return all;
    }

    /**
     * Puts the app's tasks back; {@code why} names what stopped the plugin owning them.
     *
     * @return false when a task the plugin took could not be put back (reported with what to do)
     */
    public boolean handBack(String app, String why) {
        List<String> restored = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Plan standing = ledger.latestExtracted(app).map(d -> ledger.planOf(d.id())).orElse(Plan.EMPTY);
        for (Phase.Source file : Phase.Source.values()) {
            List<TakenCopy.Recorded> kept = ledger.takenCopies(app, file, LOOK_BACK);
            if (kept.isEmpty()) {
                // a build recorded before the ledger kept copies: the task goes back from the recorded plan
                Optional<Task> task = standing.task(TakenCopies.phaseIn(file));
                Optional<byte[]> now = files.read(app, file);
                if (task.isPresent() && !holdsTask(file, now)) {
                    restoreFromPlan(app, file, now, task.get(), restored, problems);
                }
                continue;
            }
            Optional<byte[]> now = files.read(app, file);
            Optional<TakenCopy> left = leftByPlugin(kept, now);
            if (left.isPresent()) {
                if (left.get().changed()) {
                    files.write(app, file, left.get().original());
                    restored.add(entry(file) + " put back into " + files.path(app, file));
                }
            } else if (kept.get(0).copy().changed() && !holdsTask(file, now)) {
                problems.add(files.path(app, file) + " is not the copy the plugin left and has no "
                        + entry(file) + ", so it was left as it is");
            }
        }
        if (!restored.isEmpty()) {
            console.step("Handing the deployment tasks of " + app + " back to Dokku (" + why + ")");
            restored.forEach(console::detail);
            console.detail("Dokku's own runner runs them from the next release (git push, ps:rebuild, config:set, ps:start)");
            ledger.recordEvent(app, "hand-back", String.join("; ", restored) + " (" + why + ")", helper.clock().instant());
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> console.warn("Cannot hand the tasks of " + app + " back to Dokku: " + problem + "."));
            console.warn("Neither Dokku nor the plugin would run that task. Rebuild the app from its source so Dokku "
                    + "copies its Procfile and app.json again: dokku ps:rebuild " + app);
            ledger.recordEvent(app, "hand-back-failed", String.join("; ", problems) + " (" + why + ")",
                    helper.clock().instant());
        }
        return problems.isEmpty();
    }

    /** Puts {@code task} back into a standing file whose original bytes the ledger never kept. */
    private void restoreFromPlan(String app, Phase.Source file, Optional<byte[]> now, Task task, List<String> restored,
                                 List<String> problems) {
        String current = TakenCopies.text(now).orElse(null);
        try {
            String text = file == Phase.Source.PROCFILE ? TaskRestoration.withRelease(current, task.command())
                    : TaskRestoration.withPredeploy(current, task.command());
            files.write(app, file, TakenCopies.bytes(Optional.of(text)));
            restored.add(entry(file) + " put back into " + files.path(app, file) + " from the plugin's record of "
                    + "the last build (taken before copies were kept, so the file was written anew"
                    + (file == Phase.Source.APP_JSON ? ", without its comments)" : ")"));
        } catch (ExtractionException | IllegalStateException e) {
            problems.add(files.path(app, file) + " has no " + entry(file) + ", the ledger keeps no copy of it (the "
                    + "app's last build predates the kept copies) and it could not be added back: " + e.getMessage());
        }
    }

    /**
     * The kept copy the standing file is: the plugin left exactly these bytes. A deploy that rolled
     * out wins over one that did not (core-post-deploy promoted only the former), then the newest.
     */
    static Optional<TakenCopy> leftByPlugin(List<TakenCopy.Recorded> kept, Optional<byte[]> now) {
        return kept.stream().filter(r -> r.rolledOut() && r.copy().leftAs(now)).findFirst()
                .or(() -> kept.stream().filter(r -> r.copy().leftAs(now)).findFirst())
                .map(TakenCopy.Recorded::copy);
    }

    /** Whether Dokku's own runner finds the file's task in {@code content}. */
    static boolean holdsTask(Phase.Source file, Optional<byte[]> content) {
        Optional<String> text = TakenCopies.text(content);
        if (text.isEmpty()) {
            return false;
        }
        try {
            PlanExtractor.Extraction extraction = file == Phase.Source.PROCFILE
                    ? PlanExtractor.extract(text.get(), null) : PlanExtractor.extract(null, text.get());
            return extraction.plan().task(TakenCopies.phaseIn(file)).isPresent();
        } catch (ExtractionException e) {
            return false;
        }
    }

    private static String entry(Phase.Source file) {
        return file == Phase.Source.PROCFILE ? "release entry" : "scripts.dokku.predeploy";
    }
}
