package dokkumigrate.ledger;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.run.TaskRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The migrations each run applied, as recognised in its output while it streamed. */
public interface AppliedMigrationRecords {

    void recordAppliedMigrations(long runId, List<AppliedMigration> migrations, Instant at);

    /** The migrations each of these runs applied, in the order seen; a run that applied none is absent. */
    Map<Long, List<Applied>> appliedMigrations(Collection<Long> runIds);

    /**
     * The migrations the app's runs applied, newest first, each with its run. With {@code migration},
     * only those whose id is that, starts with it and then {@code _} or {@code -}, or whose name is it.
     */
    List<AppliedByRun> migrationHistory(String app, Optional<String> migration, int limit);

    /** A migration a run applied, and when its line was seen. */
    record Applied(long runId, AppliedMigration migration, Instant seenAt) { }

    /** An applied migration with the run that applied it. */
    record AppliedByRun(Applied applied, TaskRun run) { }
}
