package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.Notification;
import dokkumigrate.run.TaskRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@code migrate:status} shows: the latest deploy's tasks and the recent history. */
public final class StatusReport {
    private final Ledger ledger;

    public StatusReport(Ledger ledger) {
        this.ledger = ledger;
    }

    /** A deploy with its task runs, oldest attempt first, and the webhook notices of those runs by run id. */
    public record DeployRuns(Deploy deploy, List<TaskRun> runs, Map<Long, Notification> notifications) {
        public DeployRuns(Deploy deploy, List<TaskRun> runs) {
            this(deploy, runs, Map.of());
        }
    }

    /**
     * @param moreDeploys whether the ledger keeps older deploys than those shown
     * @param applied     the migrations each run shown applied, by run id (runs that applied none are absent)
     */
    public record AppStatus(String app, Optional<DeployRuns> latest, List<DeployRuns> history, boolean moreDeploys,
                            Map<Long, List<Ledger.Applied>> applied) {
        public AppStatus(String app, Optional<DeployRuns> latest, List<DeployRuns> history) {
            this(app, latest, history, false, Map.of());
        }

        /** The migrations a run applied, in the order seen. */
        public List<Ledger.Applied> appliedBy(TaskRun run) {
            return applied.getOrDefault(run.id(), List.of());
        }
    }

    /** @param deploys how many deploys to show in all, the latest included */
    public AppStatus of(String app, int deploys) {
        List<Deploy> found = ledger.deploys(app, deploys == Integer.MAX_VALUE ? deploys : deploys + 1);
        boolean more = found.size() > deploys;
        List<DeployRuns> all = new ArrayList<>();
        for (Deploy deploy : found.subList(0, Math.min(found.size(), deploys))) {
            List<TaskRun> runs = ledger.runsOf(deploy.id());
            Map<Long, Notification> notices = new LinkedHashMap<>();
            runs.forEach(run -> ledger.notification(run.id()).ifPresent(n -> notices.put(run.id(), n)));
            all.add(new DeployRuns(deploy, runs, notices));
        }
        Optional<DeployRuns> latest = all.stream().findFirst();
        List<Long> runIds = all.stream().flatMap(entry -> entry.runs().stream()).map(TaskRun::id).toList();
        return new AppStatus(app, latest, all.size() > 1 ? all.subList(1, all.size()) : List.of(), more,
                ledger.appliedMigrations(runIds));
    }

    /** The stable JSON shape of {@code migrate:status --format json} (documented in the README). */
    public static Map<String, Object> toJson(AppStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("app", status.app());
        json.put("latest_deploy", status.latest().map(entry -> deployJson(entry, status)).orElse(null));
        json.put("history", status.history().stream().map(entry -> deployJson(entry, status)).toList());
        json.put("more_deploys", status.moreDeploys());
        return json;
    }

    private static Map<String, Object> deployJson(DeployRuns entry, AppStatus status) {
        Deploy deploy = entry.deploy();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", deploy.id());
        json.put("origin", deploy.origin().label());
        json.put("trigger", deploy.trigger());
        json.put("revision", deploy.revision());
        json.put("dokku_pid", deploy.key().dokkuPid());
        json.put("created_at", deploy.createdAt().toString());
        json.put("rolled_out_at", deploy.rolledOutAt().map(Object::toString).orElse(null));
        json.put("runs", entry.runs().stream()
                .map(run -> runJson(run, entry.notifications().get(run.id()), status.appliedBy(run))).toList());
        return json;
    }

    private static Map<String, Object> runJson(TaskRun run, Notification notice, List<Ledger.Applied> applied) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", run.id());
        json.put("phase", run.phase().label());
        json.put("source", run.phase().source().label());
        json.put("command", run.command());
        json.put("state", run.state().label());
        json.put("attempt", run.attempt());
        json.put("exit_code", run.exitCode().orElse(null));
        json.put("started_at", run.startedAt().map(Object::toString).orElse(null));
        json.put("finished_at", run.finishedAt().map(Object::toString).orElse(null));
        json.put("duration_ms", run.duration().map(d -> d.toMillis()).orElse(null));
        json.put("image", run.image());
        json.put("image_id", run.imageId());
        json.put("container_id", run.containerId());
        json.put("host", run.host());
        json.put("helper_pid", run.helperPid());
        json.put("detail", run.detail());
        json.put("notification", notice == null ? null : notificationJson(notice));
        json.put("migrations_applied", applied.size());
        json.put("migrations", applied.stream().map(StatusReport::appliedJson).toList());
        return json;
    }

    /** How the run's webhook notice went; null in the run's JSON when none was sent. */
    static Map<String, Object> notificationJson(Notification notice) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("target", notice.target());
        json.put("delivered", notice.delivered());
        json.put("attempts", notice.attempts());
        json.put("last_status", notice.lastStatus().orElse(null));
        json.put("last_error", notice.lastError());
        json.put("at", notice.at().toString());
        return json;
    }

    /** One applied migration, as {@code migrate:status} and {@code migrate:history} print it in JSON. */
    public static Map<String, Object> appliedJson(Ledger.Applied applied) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("framework", applied.migration().framework());
        json.put("id", applied.migration().id());
        json.put("name", applied.migration().name());
        json.put("seen_at", applied.seenAt().toString());
        return json;
    }
}
