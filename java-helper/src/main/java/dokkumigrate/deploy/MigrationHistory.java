package dokkumigrate.deploy;

import dokkumigrate.ledger.AppliedMigrationRecords;
import dokkumigrate.run.TaskRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@code migrate:history} shows: the migrations an app's runs applied, newest first, each with its run. */
public final class MigrationHistory {
    private final AppliedMigrationRecords ledger;

    public MigrationHistory(AppliedMigrationRecords ledger) {
        this.ledger = ledger;
    }

    /** @param migration only this migration (its id, version or name) when given */
    public record Entries(String app, Optional<String> migration, List<AppliedMigrationRecords.AppliedByRun> applied) { }

    public Entries of(String app, Optional<String> migration, int limit) {
        return new Entries(app, migration, ledger.migrationHistory(app, migration, limit));
    }

    /** The stable JSON shape of {@code migrate:history --format json} (documented in the README). */
    public static Map<String, Object> toJson(Entries entries) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("app", entries.app());
        json.put("migration", entries.migration().orElse(null));
        json.put("applied", entries.applied().stream().map(MigrationHistory::entryJson).toList());
        return json;
    }

    private static Map<String, Object> entryJson(AppliedMigrationRecords.AppliedByRun entry) {
        Map<String, Object> json = StatusReport.appliedJson(entry.applied());
        TaskRun run = entry.run();
        json.put("run_id", run.id());
        json.put("deploy_id", run.deployId());
        json.put("phase", run.phase().label());
        json.put("state", run.state().label());
        json.put("image", run.image());
        json.put("image_id", run.imageId());
        json.put("host", run.host());
        json.put("started_at", run.startedAt().map(Object::toString).orElse(null));
        return json;
    }
}
