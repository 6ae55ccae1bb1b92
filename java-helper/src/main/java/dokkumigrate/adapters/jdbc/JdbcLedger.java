package dokkumigrate.adapters.jdbc;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.AppliedMigrationRecords.Applied;
import dokkumigrate.ledger.AppliedMigrationRecords.AppliedByRun;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.EventRecords.Event;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's operations over JDBC, shared by the SQLite and PostgreSQL backends: each one runs the
 * statements both backends share ({@link DeployTable}, {@link RunTable}, {@link AppliedMigrationTable},
 * {@link RecordTable}, {@link AppRows}) or its backend's own ({@link LedgerStatements}) as a read or as
 * one transaction ({@link Transactions}), and says what it was doing when it fails. A backend adds how
 * it opens, checks and closes its store.
 */
public abstract class JdbcLedger implements Ledger {
    private final Transactions db;
    private final LedgerStatements.Queries queries;
    private final LedgerStatements sql;

    /** A ledger on {@code db}, with the backend's own {@code queries} and statements. */
    protected JdbcLedger(Transactions db, LedgerStatements.Queries queries, LedgerStatements sql) {
        this.db = db;
        this.queries = queries;
        this.sql = sql;
    }

    @Override
    public Deploy recordPlan(String app, DeployKey key, Deploy.Origin origin, String trigger,
            String revision, Plan plan) {
        return db.write("record the plan of " + app, c -> sql.recordPlan(c, app, key, origin, trigger, revision, plan));
    }

    @Override
    public Optional<Deploy> findDeploy(String app, DeployKey key) {
        return db.query("find a deploy of " + app, c -> DeployTable.one(c, queries.deployByKey(), app, key.toString()));
    }

    @Override
    public Optional<Deploy> findDeploy(long deployId) {
        return db.query("find deploy " + deployId, c -> DeployTable.one(c, DeployTable.BY_ID, deployId));
    }

    @Override
    public Optional<Deploy> latestExtracted(String app) {
        return db.query("find the standing plan of " + app, c -> DeployTable.one(c, queries.latestExtracted(), app));
    }

    @Override
    public Optional<Deploy> latestDeploy(String app) {
        return db.query("find the latest deploy of " + app, c -> DeployTable.one(c, queries.latestDeploy(), app));
    }

    @Override
    public Plan planOf(long deployId) {
        return db.query("read the plan of deploy " + deployId, c -> DeployTable.planOf(c, deployId));
    }

    @Override
    public List<Deploy> deploys(String app, int limit) {
        return db.query("read the deploys of " + app, c -> DeployTable.list(c, queries.deploysOfApp(), app, limit));
    }

    @Override
    public List<String> apps() {
        return db.query("list the apps", c -> Jdbc.strings(c, queries.apps()));
    }

    @Override
    public void markRolledOut(long deployId, Instant at) {
        db.change("mark deploy " + deployId + " rolled out", c -> DeployTable.markRolledOut(c, deployId, at));
    }

    @Override
    public TaskRun claim(long deployId, Phase phase, RunClaim claim) {
        return db.write("claim the " + phase.label() + " task of deploy " + deployId, c -> sql.claim(c,
                deployId, phase, claim));
    }

    @Override
    public void recordLogFile(long runId, String fileName) {
        db.change("record the log file of run " + runId, c -> RunTable.recordLogFile(c, runId, fileName));
    }

    @Override
    public void recordContainer(long runId, String containerId) {
        db.change("record the container of run " + runId, c -> RunTable.recordContainer(c, runId, containerId));
    }

    @Override
    public TaskRun finish(long runId, RunOutcome outcome, Instant finishedAt) {
        return db.write("record the end of run " + runId, c -> sql.finish(c, runId, outcome, finishedAt));
    }

    @Override
    public void markInterrupted(long runId, String detail, Instant at) {
        db.change("mark run " + runId + " interrupted", c -> RunTable.markInterrupted(c, runId, detail, at));
    }

    @Override
    public Optional<TaskRun> findRun(long runId) {
        return db.query("find run " + runId, c -> RunTable.one(c, RunTable.BY_ID, runId));
    }

    @Override
    public List<TaskRun> runsOf(long deployId) {
        return db.query("read the runs of deploy " + deployId, c -> RunTable.list(c, RunTable.OF_DEPLOY, deployId));
    }

    @Override
    public List<TaskRun> runningRuns(String app) {
        return db.query("find running tasks of " + app, c -> RunTable.list(c, RunTable.RUNNING_OF_APP, app));
    }

    @Override
    public Optional<TaskRun> latestRun(String app) {
        return db.query("find the latest run of " + app, c -> RunTable.one(c, queries.latestRun(), app));
    }

    @Override
    public Optional<TaskRun> latestReleaseRun(String app) {
        return db.query("find the latest release run of " + app, c -> RunTable.one(c, queries.latestReleaseRun(), app));
    }

    @Override
    public byte[] outputTail(long runId) {
        return db.query("read the output of run " + runId, c -> RunTable.outputTail(c, runId));
    }

    @Override
    public long outputBytes(long runId) {
        return db.query("read the output size of run " + runId, c -> RunTable.outputBytes(c, runId));
    }

    @Override
    public void recordEvent(String app, String kind, String detail, Instant at) {
        db.change("record a " + kind + " of " + app, c -> RecordTable.insertEvent(c, app, kind, detail, at));
    }

    @Override
    public List<Event> events(String app, int limit) {
        return db.query("read the events of " + app, c -> RecordTable.events(c, queries.eventsOfApp(), app, limit));
    }

    @Override
    public List<String> deleteApp(String app) {
        return db.write("delete the records of " + app, c -> AppRows.delete(c, app));
    }

    @Override
    public void renameApp(String oldApp, String newApp) {
        db.change("rename " + oldApp + " to " + newApp, c -> AppRows.rename(c, oldApp, newApp));
    }

    @Override
    public void cloneApp(String oldApp, String newApp) {
        db.change("copy the records of " + oldApp + " to " + newApp, c -> AppRows.copy(c,
                Jdbc.rows(c, queries.deployIdsOfApp(), rs -> rs.getLong(1), oldApp), oldApp, newApp));
    }

    @Override
    public List<String> prune(String app, int keep) {
        return db.write("prune the runs of " + app, c -> sql.prune(c, app, keep));
    }

    @Override
    public Optional<LockHolder> lockHolder(String lockKey) {
        return db.query("read the holder of lock " + lockKey, c -> RecordTable.lockHolder(c, lockKey));
    }

    @Override
    public void recordLockHolder(LockHolder holder) {
        db.change("record the holder of lock " + holder.lockKey(), c -> sql.recordLockHolder(c, holder));
    }

    @Override
    public void clearLockHolder(String lockKey, long pid) {
        db.change("clear the holder of lock " + lockKey, c -> RecordTable.clearLockHolder(c, lockKey, pid));
    }

    @Override
    public void recordNotification(Notification notification) {
        db.change("record the notice of run " + notification.runId(), c -> sql.recordNotification(c, notification));
    }

    @Override
    public Optional<Notification> notification(long runId) {
        return db.query("read the notice of run " + runId, c -> RecordTable.notification(c,
                RecordTable.NOTIFICATIONS + "WHERE n.run_id = ?", runId));
    }

    @Override
    public Optional<Notification> latestNotification(String app) {
        return db.query("read the latest notice of " + app, c -> RecordTable.notification(c,
                queries.latestNotification(), app));
    }

    @Override
    public void recordAppliedMigrations(long runId, List<AppliedMigration> migrations, Instant at) {
        db.change("record the migrations run " + runId + " applied", c -> AppliedMigrationTable.insert(c,
                runId, migrations, at));
    }

    @Override
    public Map<Long, List<Applied>> appliedMigrations(Collection<Long> runIds) {
        return db.query("read the migrations runs applied", c -> AppliedMigrationTable.ofRuns(c, runIds));
    }

    @Override
    public List<AppliedByRun> migrationHistory(String app, Optional<String> migration, int limit) {
        return db.query("read the migrations " + app + " applied", c -> AppliedMigrationTable.history(c,
                queries.migrationHistory(), queries.migrationHistoryOfOne(), app, migration, limit));
    }

    @Override
    public void recordTakenCopies(long deployId, List<TakenCopy> copies) {
        db.change("keep the Procfile/app.json copies of deploy " + deployId, c -> sql.recordTakenCopies(c,
                deployId, copies));
    }

    @Override
    public List<TakenCopy.Recorded> takenCopies(String app, Phase.Source file, int limit) {
        return db.query("read the " + file.label() + " copies kept for " + app, c -> RecordTable.takenCopies(c,
                queries.takenCopiesOfApp(), app, file, limit));
    }
}
