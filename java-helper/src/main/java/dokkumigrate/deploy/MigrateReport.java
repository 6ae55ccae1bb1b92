package dokkumigrate.deploy;

import dokkumigrate.platform.InvalidSetting;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.Setting;
import dokkumigrate.platform.SettingsStore;
import dokkumigrate.run.LockChoice;
import dokkumigrate.run.TaskLocks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What {@code migrate:report} shows, keyed by report flag as Dokku's core plugins key theirs:
 * per setting the app's value ({@code --migrate-timeout}), the global value
 * ({@code --migrate-global-timeout}) and the value in force ({@code --migrate-computed-timeout});
 * for an app also its last deploy and its lock; how the helper reaches Docker
 * ({@code --migrate-docker-api}: the engine's socket, or the docker client and why); and which ledger
 * the host uses ({@code --migrate-ledger-state}: {@code sqlite}, or whether the shared one answers).
 * A global-only setting (ledger-url) has no app row: an app's computed value is the global one.
 */
public final class MigrateReport {
    /** The prefix of every report flag; Dokku strips it from JSON keys. */
    public static final String PREFIX = "--migrate-";
    /** What Dokku's report uses as the app name of the global report. */
    public static final String GLOBAL = "--global";

    private final SettingsStore settings;
    private final Supplier<Ledger> ledger;
    private final Supplier<TaskLocks> locks;
    private final Platform platform;
    private final String dockerAccess;
    private final Supplier<String> ledgerState;
    private String ledgerStateSeen;

    /**
     * @param ledger       opened only for an app's rows: the global report needs no ledger, so it shows
     *                     a shared ledger's server that does not answer
     * @param dockerAccess how the helper reaches Docker, e.g. {@code engine socket /var/run/docker.sock}
     * @param ledgerState  {@code sqlite}, or whether the ledger-url's server answers: {@code answers} or
     *                     {@code unreachable: WHY} (asked once per report)
     */
    public MigrateReport(SettingsStore settings, Supplier<Ledger> ledger, Supplier<TaskLocks> locks, Platform platform,
                         String dockerAccess, Supplier<String> ledgerState) {
        this.settings = settings;
        this.ledger = ledger;
        this.locks = locks;
        this.platform = platform;
        this.dockerAccess = dockerAccess;
        this.ledgerState = ledgerState;
    }

    /** The apps a report without an app covers: Dokku's apps and every app the ledger knows, sorted. */
    public List<String> apps() {
        TreeSet<String> apps = new TreeSet<>(platform.apps());
        apps.addAll(ledger.get().apps());
        return new ArrayList<>(apps);
    }

    /** Every flag of an app's report (or of the global report), sorted as Dokku sorts them. */
    public static List<String> flags(boolean global) {
        List<String> flags = new ArrayList<>();
        flags.add(PREFIX + "docker-api");
        flags.add(PREFIX + "ledger-state");
        for (Setting setting : Setting.values()) {
            flags.add(PREFIX + "computed-" + setting.key());
            flags.add(PREFIX + "global-" + setting.key());
            if (!global && !setting.globalOnly()) {
                flags.add(PREFIX + setting.key());
            }
        }
        if (!global) {
            for (String extra : List.of("last-deploy-id", "last-deploy-origin", "last-deploy-at", "last-deploy-state",
                    "last-deploy-tasks", "lock-key", "lock-basis", "lock-reason",
                    "lock-state", "lock-holder")) {
                flags.add(PREFIX + extra);
            }
        }
        flags.sort(null);
        return flags;
    }

    /** The report of an app, or the global report when {@code app} is {@link #GLOBAL}. */
    public SortedMap<String, String> of(String app) {
        boolean global = app.equals(GLOBAL);
        SortedMap<String, String> report = new TreeMap<>();
        report.put(PREFIX + "docker-api", dockerAccess);
        if (ledgerStateSeen == null) {
            ledgerStateSeen = ledgerState.get();
        }
        report.put(PREFIX + "ledger-state", ledgerStateSeen);
        for (Setting setting : Setting.values()) {
            Optional<String> globalValue = settings.stored(Optional.empty(), setting);
            // a secret (the notify-url) shows only its scheme and host, in every row and in --format json
            report.put(PREFIX + "global-" + setting.key(), setting.shown(globalValue.orElse("")));
            if (global || setting.globalOnly()) {
                report.put(PREFIX + "computed-" + setting.key(), setting.shown(globalValue.orElse(setting.defaultValue())));
            } else {
                report.put(PREFIX + setting.key(), setting.shown(settings.stored(Optional.of(app), setting).orElse("")));
                report.put(PREFIX + "computed-" + setting.key(), setting.shown(settings.effective(app, setting)));
            }
        }
        if (!global) {
            putDeploy(app, report);
            putLock(app, report);
        }
        return report;
    }

    private void putDeploy(String app, Map<String, String> report) {
        Ledger ledger = this.ledger.get();
        Optional<Deploy> last = ledger.latestDeploy(app);
        report.put(PREFIX + "last-deploy-id", last.map(d -> Long.toString(d.id())).orElse(""));
        report.put(PREFIX + "last-deploy-origin", last.map(d -> d.origin().label()).orElse(""));
        report.put(PREFIX + "last-deploy-at", last.map(d -> d.createdAt().toString()).orElse(""));
        Optional<DeployState> state = last.map(d -> DeployState.of(ledger.planOf(d.id()), ledger.runsOf(d.id())));
        report.put(PREFIX + "last-deploy-state", state.map(s -> s.kind().label()).orElse("none"));
        report.put(PREFIX + "last-deploy-tasks", state.map(DeployState::describeTasks).orElse(""));
    }

    private void putLock(String app, Map<String, String> report) {
        String lockKey;
        try {
            LockChoice lock = settings.lockChoiceOrOwn(app, () -> platform.configEnv(app));
            lockKey = lock.key();
            report.put(PREFIX + "lock-basis", lock.basis().label());
            report.put(PREFIX + "lock-reason", lock.reason());
        } catch (InvalidSetting invalidSetting) {
            // a property edited by hand that migrate:set would refuse: the computed rows show it
            report.put(PREFIX + "lock-key", "");
            report.put(PREFIX + "lock-basis", "");
            report.put(PREFIX + "lock-reason", "");
            report.put(PREFIX + "lock-state", "unknown");
            report.put(PREFIX + "lock-holder", "");
            return;
        }
        boolean held = locks.get().isHeld(lockKey);
        report.put(PREFIX + "lock-key", lockKey);
        report.put(PREFIX + "lock-state", held ? "held" : "free");
        report.put(PREFIX + "lock-holder", held ? ledger.get().lockHolder(lockKey).map(MigrateReport::describe)
                .orElse("unrecorded process") : "");
    }

    /** {@code pid 4242 on host since 2024-05-01T10:00:00Z (app web, deploy #7)}. */
    public static String describe(LockHolder holder) {
        return "pid " + holder.pid() + " on " + holder.host() + " since " + holder.since() + " (app " + holder.app()
                + ", deploy #" + holder.deployId() + ")";
    }
}
