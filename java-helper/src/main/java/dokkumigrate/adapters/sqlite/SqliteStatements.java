package dokkumigrate.adapters.sqlite;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.adapters.jdbc.LedgerStatements;
import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.AppliedMigrationRecords.Applied;
import dokkumigrate.ledger.AppliedMigrationRecords.AppliedByRun;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.EventRecords.Event;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQLite ledger's statements: its {@code *Rows} classes, one operation each. */
final class SqliteStatements implements LedgerStatements {
    @Override
    public Deploy recordPlan(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger,
            String revision, Plan plan) throws SQLException {
        return DeployRows.record(c, app, key, origin, trigger, revision, plan);
    }

    @Override
    public Optional<Deploy> findDeploy(Connection c, String app, DeployKey key) throws SQLException {
        return DeployRows.one(c, DeployRows.BY_KEY, app, key.toString());
    }

    @Override
    public Optional<Deploy> findDeploy(Connection c, long deployId) throws SQLException {
        return DeployRows.one(c, DeployRows.BY_ID, deployId);
    }

    @Override
    public Optional<Deploy> latestExtracted(Connection c, String app) throws SQLException {
        return DeployRows.one(c, DeployRows.LATEST_EXTRACTED, app);
    }

    @Override
    public Optional<Deploy> latestDeploy(Connection c, String app) throws SQLException {
        return DeployRows.one(c, DeployRows.LATEST, app);
    }

    @Override
    public Plan planOf(Connection c, long deployId) throws SQLException {
        return DeployRows.planOf(c, deployId);
    }

    @Override
    public List<Deploy> deploys(Connection c, String app, int limit) throws SQLException {
        return DeployRows.list(c, DeployRows.OF_APP, app, limit);
    }

    @Override
    public List<String> apps(Connection c) throws SQLException {
        return Jdbc.strings(c, DeployRows.APPS);
    }

    @Override
    public void markRolledOut(Connection c, long deployId, Instant at) throws SQLException {
        DeployRows.markRolledOut(c, deployId, at);
    }

    @Override
    public TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException {
        return RunRows.claim(c, deployId, phase, claim);
    }

    @Override
    public void recordLogFile(Connection c, long runId, String fileName) throws SQLException {
        RunRows.recordLogFile(c, runId, fileName);
    }

    @Override
    public void recordContainer(Connection c, long runId, String containerId) throws SQLException {
        RunRows.recordContainer(c, runId, containerId);
    }

    @Override
    public TaskRun finish(Connection c, long runId, RunOutcome outcome, Instant finishedAt) throws SQLException {
        return RunRows.finish(c, runId, outcome, finishedAt);
    }

    @Override
    public void markInterrupted(Connection c, long runId, String detail, Instant at) throws SQLException {
        RunRows.markInterrupted(c, runId, detail, at);
    }

    @Override
    public Optional<TaskRun> findRun(Connection c, long runId) throws SQLException {
        return RunRows.one(c, RunRows.BY_ID, runId);
    }

    @Override
    public List<TaskRun> runsOf(Connection c, long deployId) throws SQLException {
        return RunRows.list(c, RunRows.OF_DEPLOY, deployId);
    }

    @Override
    public List<TaskRun> runningRuns(Connection c, String app) throws SQLException {
        return RunRows.list(c, RunRows.RUNNING_OF_APP, app);
    }

    @Override
    public Optional<TaskRun> latestRun(Connection c, String app) throws SQLException {
        return RunRows.one(c, RunRows.LATEST_OF_APP, app);
    }

    @Override
    public Optional<TaskRun> latestReleaseRun(Connection c, String app) throws SQLException {
        return RunRows.one(c, RunRows.LATEST_RELEASE_OF_APP, app);
    }

    @Override
    public byte[] outputTail(Connection c, long runId) throws SQLException {
        return RunRows.outputTail(c, runId);
    }

    @Override
    public long outputBytes(Connection c, long runId) throws SQLException {
        return RunRows.outputBytes(c, runId);
    }

    @Override
    public void recordEvent(Connection c, String app, String kind, String detail, Instant at) throws SQLException {
        EventRows.insert(c, app, kind, detail, at);
    }

    @Override
    public List<Event> events(Connection c, String app, int limit) throws SQLException {
        return EventRows.ofApp(c, app, limit);
    }

    @Override
    public List<String> deleteApp(Connection c, String app) throws SQLException {
        return AppRows.delete(c, app);
    }

    @Override
    public void renameApp(Connection c, String oldApp, String newApp) throws SQLException {
        AppRows.rename(c, oldApp, newApp);
    }

    @Override
    public void cloneApp(Connection c, String oldApp, String newApp) throws SQLException {
        AppRows.copy(c, oldApp, newApp);
    }

    @Override
    public List<String> prune(Connection c, String app, int keep) throws SQLException {
        return AppRows.prune(c, app, keep);
    }

    @Override
    public Optional<LockHolder> lockHolder(Connection c, String lockKey) throws SQLException {
        return LockHolderRows.ofLock(c, lockKey);
    }

    @Override
    public void recordLockHolder(Connection c, LockHolder holder) throws SQLException {
        LockHolderRows.put(c, holder);
    }

    @Override
    public void clearLockHolder(Connection c, String lockKey, long pid) throws SQLException {
        LockHolderRows.clear(c, lockKey, pid);
    }

    @Override
    public void recordNotification(Connection c, Notification notification) throws SQLException {
        NotificationRows.insert(c, notification);
    }

    @Override
    public Optional<Notification> notification(Connection c, long runId) throws SQLException {
        return NotificationRows.ofRun(c, runId);
    }

    @Override
    public Optional<Notification> latestNotification(Connection c, String app) throws SQLException {
        return NotificationRows.latestOfApp(c, app);
    }

    @Override
    public void recordAppliedMigrations(Connection c, long runId, List<AppliedMigration> migrations,
            Instant at) throws SQLException {
        AppliedMigrationRows.insert(c, runId, migrations, at);
    }

    @Override
    public Map<Long, List<Applied>> appliedMigrations(Connection c, Collection<Long> runIds) throws SQLException {
        return AppliedMigrationRows.ofRuns(c, runIds);
    }

    @Override
    public List<AppliedByRun> migrationHistory(Connection c, String app, Optional<String> migration,
            int limit) throws SQLException {
        return AppliedMigrationRows.history(c, app, migration, limit);
    }

    @Override
    public void recordTakenCopies(Connection c, long deployId, List<TakenCopy> copies) throws SQLException {
        TakenCopyRows.insert(c, deployId, copies);
    }

    @Override
    public List<TakenCopy.Recorded> takenCopies(Connection c, String app, Phase.Source file,
            int limit) throws SQLException {
        return TakenCopyRows.ofApp(c, app, file, limit);
    }
}
