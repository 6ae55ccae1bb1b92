package dokkumigrate.deploy;

import dokkumigrate.platform.InvalidSetting;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LedgerUnreachable;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.output.TerminalText;
import dokkumigrate.plan.AppJsonDocument;
import dokkumigrate.plan.ExtractionException;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.Setting;
import dokkumigrate.platform.Settings;
import dokkumigrate.platform.SettingsStore;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRun;
import dokkumigrate.run.TaskRunner;
import dokkumigrate.scan.BootMigrationFinding;
import dokkumigrate.scan.BootMigrationReport;
import dokkumigrate.scan.BootMigrationScanner;
import dokkumigrate.scan.ProcessScale;
import dokkumigrate.scan.Procfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code migrate:doctor}: checks what can go wrong around an app's deployment tasks, each check
 * with a verdict and the next step: the ledger's health, the settings, the lock, the standing plan
 * and the last deploy, the deployed image, whether Dokku's own runner would still find a task the
 * plugin runs (so it would run twice), and migrations the app's processes run at boot.
 */
public final class Doctor {
    private final Supplier<Ledger> ledger;
    private final SettingsStore settings;
    private final Supplier<TaskLocks> locks;
    private final TaskRunner runner;
    private final Platform platform;
    private final ProcessIdentity helper;
    private final Optional<BootMigrationScanner> bootScanner;

    public Doctor(Supplier<Ledger> ledger, SettingsStore settings, Supplier<TaskLocks> locks, TaskRunner runner,
                  Platform platform, ProcessIdentity helper, Optional<BootMigrationScanner> bootScanner) {
        this.ledger = ledger;
        this.settings = settings;
        this.locks = locks;
        this.runner = runner;
        this.platform = platform;
        this.helper = helper;
        this.bootScanner = bootScanner;
    }

    public enum Verdict {
        OK, WARNING, FAILURE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One check's result.
     *
     * @param id       a stable name for tools ({@code ledger}, {@code lock}, ...)
     * @param title    what was checked, for people
     * @param finding  what was found, one sentence
     * @param details  further lines (commands, runs, findings)
     * @param nextStep what to do about it; empty when nothing needs doing
     */
    public record Check(String id, String title, Verdict verdict, String finding, List<String> details,
                        Optional<String> nextStep) {
        public Check {
            details = List.copyOf(details);
        }

        static Check ok(String id, String title, String finding, List<String> details) {
            return new Check(id, title, Verdict.OK, finding, details, Optional.empty());
        }

        static Check of(String id, String title, Verdict verdict, String finding, List<String> details, String next) {
            return new Check(id, title, verdict, finding, details, Optional.of(next));
        }
    }

    /** The worst verdict of a list of checks. */
    public static Verdict overall(List<Check> checks) {
        return checks.stream().map(Check::verdict).max(Enum::compareTo).orElse(Verdict.OK);
    }

    /** The host's checks, without an app: the ledger's health. */
    public List<Check> host() {
        List<Check> checks = new ArrayList<>();
        checks.add(ledgerHealth().check());
        return checks;
    }

    /** Every check for an app; the ledger's health comes first, and a broken ledger skips what needs it. */
    public List<Check> app(String app) {
        List<Check> checks = new ArrayList<>();
        LedgerHealth health = ledgerHealth();
        checks.add(health.check());
        Settings current;
        try {
            current = settings.settingsOf(app);
        } catch (InvalidSetting invalid) {
            checks.add(Check.of("settings", "Settings", Verdict.FAILURE, "A migrate property in force for " + app
                    + " is not valid, so deploys of " + app + " fail.", List.of(invalid.getMessage()),
                    "Set it again with dokku migrate:set (see dokku migrate:report " + app + ")"));
            return checks;
        }
        checks.add(settingsCheck(app, current));
        Optional<Ledger> records = health.usable() ? Optional.of(ledger.get()) : Optional.empty();
        Optional<Plan> standing = records.flatMap(l -> l.latestExtracted(app).map(d -> l.planOf(d.id())));
        records.ifPresent(l -> {
            checks.add(lockCheck(app, current, l));
            checks.add(planCheck(app, current, l));
            checks.add(lastDeployCheck(app, l));
            checks.add(NotificationCheck.of(app, settings, l));
        });
        Check image = imageCheck(app);
        checks.add(image);
        checks.add(nativeReleaseCheck(app, current, standing));
        checks.add(nativePredeployCheck(app, current, standing));
        if (bootScanner.isPresent() && image.verdict() == Verdict.OK) {
            checks.add(bootMigrationCheck(app, current, standing.orElse(Plan.EMPTY)));
        }
        return checks;
    }

    private record LedgerHealth(Check check, boolean usable) { }

    private LedgerHealth ledgerHealth() {
        String title = "Ledger health";
        String integrity;
        try {
            integrity = ledger.get().integrityCheck();
        } catch (LedgerUnreachable e) {
            return new LedgerHealth(Check.of("ledger", title, Verdict.FAILURE, "The shared ledger (ledger-url) does "
                    + "not answer.", List.of(e.getMessage()), "Fix what the message names; until then deploys of apps "
                    + "with deployment tasks stop on this host (there is no fallback to its SQLite ledger)"), false);
        } catch (Ledger.LedgerException e) {
            return new LedgerHealth(Check.of("ledger", title, Verdict.FAILURE, "The ledger cannot be opened or read.",
                    List.of(e.getMessage()), "Fix the ledger as the message says; until then deploys of apps with "
                            + "deployment tasks fail"), false);
        }
        Optional<String> shared = settings.stored(Optional.empty(), Setting.LEDGER_URL).filter(url -> !url.isEmpty());
        if (shared.isPresent() && integrity.equals("ok")) {
            return new LedgerHealth(Check.ok("ledger", title, "The shared ledger answers: " + shared.get() + ".",
                    List.of()), true);
        }
        if (integrity.equals("ok")) {
            return new LedgerHealth(Check.ok("ledger", title, "PRAGMA integrity_check found no problem.", List.of()),
                    true);
        }
        return new LedgerHealth(Check.of("ledger", title, Verdict.FAILURE, "PRAGMA integrity_check found problems.",
                List.of(integrity.split("\n")), "Stop deploying, keep a copy of the ledger for inspection, and "
                        + "restore it from a backup (or move it aside so the next deploy starts a new one)"), true);
    }

    /** The key of the app's lock: its group's, its database's or its own (see LockChoice). */
    private String lockKey(String app) {
        return settings.lockChoiceOrOwn(app, () -> platform.configEnv(app)).key();
    }

    private Check settingsCheck(String app, Settings current) {
        String title = "Settings";
        List<String> details = List.of("timeout " + current.timeout().toSeconds() + "s, lock " + lockKey(app)
                + ", scaled-migrations " + current.scaledMigrations().name().toLowerCase(Locale.ROOT)
                + ", output-limit " + current.outputLimitBytes() + " bytes, keep-runs " + current.keepRuns());
        if (!current.enabled()) {
            return Check.ok("settings", title, "migrate is disabled for " + app + ": Dokku's own runner runs its "
                    + "release and predeploy tasks, without the plugin's lock, timeout or record.", details);
        }
        return Check.ok("settings", title, "migrate runs the release and predeploy tasks of " + app + ".", details);
    }

    private Check lockCheck(String app, Settings current, Ledger records) {
        String title = "Lock";
        String lockKey = lockKey(app);
        Optional<LockHolder> holder = records.lockHolder(lockKey);
        List<TaskRun> running = records.runningRuns(app);
        if (locks.get().isHeld(lockKey)) {
            if (holder.isEmpty()) {
                return Check.of("lock", title, Verdict.WARNING, "The " + lockKey + " lock is held by a process the "
                        + "ledger has no record of.", List.of(), "If no deploy or migrate:run is in progress, find the "
                        + "helper with: ps -eo pid,etime,args | grep migrate-helper; it releases the lock when it ends");
            }
            LockHolder h = holder.get();
            Duration held = Duration.between(h.since(), helper.clock().instant());
            Duration limit = current.timeout().plus(Duration.ofMinutes(5));
            String finding = "The " + lockKey + " lock is held by " + MigrateReport.describe(h) + ".";
            if (held.compareTo(limit) > 0) {
                return Check.of("lock", title, Verdict.WARNING, finding + " That is longer than the task timeout "
                        + "allows (" + held.toMinutes() + " minutes).", List.of(), "Check that process (ps -p "
                        + h.pid() + "); if it is stuck, stop it (kill " + h.pid() + "): the kernel releases the lock "
                        + "when it ends. Then: dokku migrate:unlock " + app);
            }
            return Check.ok("lock", title, finding + " A deploy or migrate:run is in progress.", List.of());
        }
        List<String> stale = new ArrayList<>();
        holder.ifPresent(h -> stale.add("a holder record of " + MigrateReport.describe(h) + ", whose process is gone"));
        running.forEach(run -> stale.add("run #" + run.id() + " (" + run.phase().label() + ") still marked running, "
                + "by helper " + run.helperPid() + " on " + run.host()));
        if (stale.isEmpty()) {
            return Check.ok("lock", title, "The " + lockKey + " lock is free.", List.of());
        }
        return Check.of("lock", title, Verdict.WARNING, "The " + lockKey + " lock is free, but a helper that died "
                + "left records behind.", stale, "Clear them (the next deploy would too): dokku migrate:unlock " + app);
    }

    private Check planCheck(String app, Settings current, Ledger records) {
        String title = "Standing plan";
        Optional<Deploy> standing = records.latestExtracted(app);
        if (standing.isEmpty()) {
            if (!current.enabled()) {
                return Check.ok("plan", title, "No build recorded (migrate is disabled for " + app + ").", List.of());
            }
            return Check.of("plan", title, Verdict.WARNING, "No build of " + app + " has been recorded since the "
                    + "plugin was installed, so Dokku's own runner still runs its tasks.", List.of(),
                    "Deploy it once (git push, or dokku ps:rebuild " + app + ") for the plugin to take them over");
        }
        Plan plan = records.planOf(standing.get().id());
        List<String> details = plan.tasks().stream().map(t -> t.phase().label() + " (" + t.source().label() + "): "
                + TerminalText.escape(t.command())).toList();
        if (plan.isEmpty()) {
            return Check.ok("plan", title, "The last build (deploy #" + standing.get().id() + ") has no release or "
                    + "predeploy task.", List.of());
        }
        return Check.ok("plan", title, "The last build (deploy #" + standing.get().id() + ") has " + plan.tasks().size()
                + (plan.tasks().size() == 1 ? " task" : " tasks") + ", run once per release.", details);
    }

    private Check lastDeployCheck(String app, Ledger records) {
        String title = "Last deploy";
        Optional<Deploy> last = records.latestDeploy(app);
        if (last.isEmpty()) {
            return Check.ok("last-deploy", title, "No deploy recorded yet.", List.of());
        }
        Deploy deploy = last.get();
        DeployState state = DeployState.of(records.planOf(deploy.id()), records.runsOf(deploy.id()));
        String finding = "Deploy #" + deploy.id() + " (" + deploy.origin().label() + ", " + deploy.createdAt() + ") is "
                + state.kind().label() + ".";
        List<String> details = state.tasks().isEmpty() ? List.of() : List.of(state.describeTasks());
        if (deploy.rolledOutAt().isPresent() && !state.unrun().isEmpty()) {
            return Check.of("last-deploy", title, Verdict.FAILURE, finding + " It rolled out without running its "
                    + String.join(" and ", state.unrun().stream().map(t -> t.task().phase().label()).toList())
                    + " task: no release trigger reached the plugin, and Dokku's own runner found nothing (missed).",
                    details, "Run the tasks now: dokku migrate:run " + app + "; if this repeats, check that the "
                    + "plugin's post-release-builder and pre-deploy triggers are installed (dokku plugin:list)");
        }
        switch (state.kind()) {
            case FAILED, TIMED_OUT -> {
                TaskRun run = state.failedRun().orElseThrow();
                return Check.of("last-deploy", title, Verdict.FAILURE, finding + " Its " + run.phase().label()
                        + " task " + (state.kind() == DeployState.Kind.TIMED_OUT ? "ran past the timeout"
                        : "failed" + run.exitCode().map(code -> " with exit code " + code).orElse(""))
                        + ", so the deploy was stopped.", details, "Read its output (dokku migrate:logs " + app + " "
                        + run.id() + "), fix the task, then deploy again or run it: dokku migrate:run " + app
                        + " --phase " + run.phase().label());
            }
            case INTERRUPTED -> {
                TaskRun run = state.failedRun().orElseThrow();
                return Check.of("last-deploy", title, Verdict.WARNING, finding + " Its " + run.phase().label()
                        + " task stopped when its helper did.", details, "Deploy again, or run it: dokku migrate:run "
                        + app + " --phase " + run.phase().label());
            }
            case PLANNED -> {
                return Check.of("last-deploy", title, Verdict.WARNING, finding + " Its tasks have not run yet.", details,
                        "If no deploy is in progress, the build stopped before its release: deploy again");
            }
            default -> {
                return Check.ok("last-deploy", title, finding, details);
            }
        }
    }

    private Check imageCheck(String app) {
        String title = "Deployed image";
        String image;
        String id;
        try {
            image = platform.deployedImage(app).name();
        } catch (RuntimeException e) {
            return Check.of("image", title, Verdict.WARNING, "Dokku could not be asked for the deployed image of "
                    + app + " (deployed-app-image-repo, deployed-app-image-tag, deployed-app-repository).",
                    List.of(String.valueOf(e.getMessage())), "Run the doctor through dokku: dokku migrate:doctor " + app);
        }
        try {
            id = runner.imageId(image);
        } catch (TaskRunner.RunnerException e) {
            return Check.of("image", title, Verdict.FAILURE, "The Docker engine could not be asked about " + image + ".",
                    List.of(e.getMessage()), "Check that the dokku user can reach Docker: docker info");
        }
        if (id.isEmpty()) {
            return Check.of("image", title, Verdict.WARNING, image + " does not exist: " + app + " has not been "
                    + "deployed.", List.of(), "Deploy it (git push, or dokku ps:rebuild " + app + ")");
        }
        return Check.ok("image", title, image + " exists.", List.of(id));
    }

    private Check nativeReleaseCheck(String app, Settings current, Optional<Plan> standing) {
        String title = "Dokku's release runner";
        Optional<String> command;
        try {
            command = platform.nativeReleaseCommand(app);
        } catch (RuntimeException e) {
            return Check.of("native-release", title, Verdict.WARNING, "Dokku could not be asked for the release "
                    + "command (procfile-get-command).", List.of(String.valueOf(e.getMessage())),
                    "Run the doctor as the dokku user through dokku: dokku migrate:doctor " + app);
        }
        return nativeCheck("native-release", title, app, current, standing, Phase.RELEASE, command,
                "the release entry of the permanent Procfile");
    }

    private Check nativePredeployCheck(String app, Settings current, Optional<Plan> standing) {
        String title = "Dokku's predeploy runner";
        Optional<String> command;
        try {
            command = platform.permanentAppJson(app).flatMap(text -> AppJsonDocument.parse(text).predeploy());
        } catch (ExtractionException | IllegalArgumentException | java.io.UncheckedIOException e) {
            return Check.of("native-predeploy", title, Verdict.WARNING, "The permanent app.json of " + app
                    + " could not be read.", List.of(String.valueOf(e.getMessage())),
                    "Fix app.json and deploy again; Dokku's own runner cannot read it either");
        }
        return nativeCheck("native-predeploy", title, app, current, standing, Phase.PREDEPLOY, command,
                "scripts.dokku.predeploy of the permanent app.json");
    }

    private Check nativeCheck(String id, String title, String app, Settings current, Optional<Plan> standing,
                              Phase phase, Optional<String> nativeCommand, String where) {
        if (nativeCommand.isEmpty()) {
            Optional<String> taken = standing.flatMap(plan -> plan.task(phase)).map(t -> t.command());
            if (!current.enabled() && taken.isPresent()) {
                return Check.of(id, title, Verdict.FAILURE, "Neither runner runs the " + phase.label() + " task of "
                        + app + ": migrate is disabled for it, and Dokku's own runner finds no " + phase.label()
                        + " task in " + where + ", which the plugin took it out of.",
                        List.of(phase.label() + ": " + TerminalText.escape(taken.get())), "Hand it back to Dokku: "
                        + "dokku migrate:set " + app + " enabled false (puts it back as it was), or let the plugin "
                        + "run it again: dokku migrate:set " + app + " enabled true");
            }
            return Check.ok(id, title, "Dokku's own runner finds no " + phase.label() + " task (" + where + ")"
                    + (current.enabled() ? ": only the plugin runs it." : "."), List.of());
        }
        List<String> details = List.of(phase.label() + ": " + TerminalText.escape(nativeCommand.get()));
        if (!current.enabled()) {
            return Check.ok(id, title, "Dokku's own runner runs the " + phase.label() + " task from " + where
                    + " (migrate is disabled for " + app + ").", details);
        }
        return Check.of(id, title, Verdict.WARNING, "Dokku's own runner still finds the " + phase.label()
                + " task in " + where + ": on the next release without a build (config:set, ps:start) it runs it "
                + "there, without the plugin's lock, timeout or record; the plugin then takes it over (it never "
                + "runs twice).", details, "Nothing is needed; to have the plugin run it from the very next release, "
                + "rebuild the app: dokku ps:rebuild " + app);
    }

    private Check bootMigrationCheck(String app, Settings current, Plan standing) {
        String title = "Migrations at boot";
        BootMigrationReport report;
        try {
            String image = platform.deployedImage(app).name();
            Procfile procfile = platform.permanentProcfile(app).map(Procfile::parse).orElse(Procfile.EMPTY);
            ProcessScale scale = ProcessScale.of(platform.currentScale(app));
            report = bootScanner.orElseThrow().scan(app, procfile, scale, standing, image,
                    Optional.of(platform.configEnv(app)));
        } catch (RuntimeException e) {
            return Check.of("boot-migrations", title, Verdict.WARNING, "The processes of " + app + " could not be "
                    + "checked for migrations at boot.", List.of(String.valueOf(e.getMessage())),
                    "Run the doctor through dokku as the dokku user: dokku migrate:doctor " + app);
        }
        if (report.isEmpty()) {
            return Check.ok("boot-migrations", title, "No process of " + app + " runs a migration when it starts.",
                    List.of());
        }
        List<String> details = new ArrayList<>();
        for (BootMigrationFinding finding : report.findings()) {
            details.add(finding.severity().name().toLowerCase(Locale.ROOT) + ": " + finding.scaleSummary() + " run `"
                    + TerminalText.escape(finding.command()) + "` at boot (" + finding.location().describe() + ")");
            finding.fix().lines().forEach(line -> details.add("fix: " + TerminalText.escape(line)));
        }
        if (!report.hasWarnings()) {
            return Check.of("boot-migrations", title, Verdict.OK, "A process of " + app + " migrates at boot; at its "
                    + "current scale that runs once, but it breaks when scaled.", details,
                    "Move the migration to a release task (see the fix above)");
        }
        Verdict verdict = switch (current.scaledMigrations()) {
            case FAIL -> Verdict.FAILURE;
            case WARN -> Verdict.WARNING;
            case IGNORE -> Verdict.OK;
        };
        return Check.of("boot-migrations", title, verdict, "Several instances of " + app + " run a migration at "
                + "once when they start" + (verdict == Verdict.OK ? " (ignored: scaled-migrations is ignore)." : "."),
                details, "Move the migration to a release task and out of the boot command (see the fix above)");
    }
}
