package dokkumigrate.adapters.postgres;

import dokkumigrate.adapters.jdbc.Jdbc;
import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger in a PostgreSQL database that several Dokku hosts share ({@link PostgresDatabase}), its
 * records kept by the {@code *Rows} classes of this package. Every write is one short transaction; a
 * claim locks its deploy's row first, so two hosts claiming the same task get one run. Open it with
 * {@link PostgresBackend#open}, which gives the task locks on the same server with it.
 */
public final class PostgresLedger implements Ledger {
    private final PostgresDatabase db;

    private PostgresLedger(PostgresDatabase db) {
        this.db = db;
    }

    /**
     * Connects to the server and creates or migrates the schema.
     *
     * @throws PostgresUnavailableException when the server cannot be reached or refuses the log-in
     * @throws LedgerException when the schema cannot be created or migrated
     */
    public static PostgresLedger open(PostgresConnector connector) {
        return new PostgresLedger(PostgresDatabase.open(connector));
    }

    /** The server and database this ledger is kept in. */
    public LedgerUrl url() {
        return db.url();
    }

    /** The schema version the database is at. */
    public int schemaVersion() {
        return db.schemaVersion();
    }

    @Override
    public String integrityCheck() {
        return db.integrityCheck();
    }

    @Override
    public void close() {
        db.close();
    }

    // ---- deploys ----

    @Override
    public Deploy recordPlan(String app, DeployKey key, Deploy.Origin origin, String trigger, String revision, Plan plan) {
        return db.write("record the plan of " + app, c -> DeployRows.record(c, app, key, origin, trigger, revision, plan));
    }

    @Override
    public Optional<Deploy> findDeploy(String app, DeployKey key) {
        return db.query("find a deploy of " + app, c -> DeployRows.one(c, DeployRows.BY_KEY, app, key.toString()));
    }

    @Override
    public Optional<Deploy> findDeploy(long deployId) {
        return db.query("find deploy " + deployId, c -> DeployRows.one(c, DeployRows.BY_ID, deployId));
    }

    @Override
    public Optional<Deploy> latestExtracted(String app) {
        return db.query("find the standing plan of " + app, c -> DeployRows.one(c, DeployRows.LATEST_EXTRACTED, app));
    }

    @Override
    public Optional<Deploy> latestDeploy(String app) {
        return db.query("find the latest deploy of " + app, c -> DeployRows.one(c, DeployRows.LATEST, app));
    }

    @Override
    public Plan planOf(long deployId) {
        return db.query("read the plan of deploy " + deployId, c -> DeployRows.planOf(c, deployId));
    }

    @Override
    public List<Deploy> deploys(String app, int limit) {
        return db.query("read the deploys of " + app, c -> DeployRows.list(c, DeployRows.OF_APP, app, limit));
    }

    @Override
    public List<String> apps() {
        return db.query("list the apps", c -> Jdbc.strings(c, DeployRows.APPS));
    }

    @Override
    public void markRolledOut(long deployId, Instant at) {
        db.change("mark deploy " + deployId + " rolled out", c -> DeployRows.markRolledOut(c, deployId, at));
    }

    // ---- runs ----

    @Override
    public TaskRun claim(long deployId, Phase phase, RunClaim claim) {
        return db.write("claim the " + phase.label() + " task of deploy " + deployId,
                c -> RunRows.claim(c, deployId, phase, claim));
    }

    @Override
    public void recordLogFile(long runId, String fileName) {
        db.change("record the log file of run " + runId, c -> RunRows.recordLogFile(c, runId, fileName));
    }

    @Override
    public void recordContainer(long runId, String containerId) {
        db.change("record the container of run " + runId, c -> RunRows.recordContainer(c, runId, containerId));
    }

    @Override
    public TaskRun finish(long runId, RunOutcome outcome, Instant finishedAt) {
        return db.write("record the end of run " + runId, c -> RunRows.finish(c, runId, outcome, finishedAt));
    }

    @Override
    public void markInterrupted(long runId, String detail, Instant at) {
        db.change("mark run " + runId + " interrupted", c -> RunRows.markInterrupted(c, runId, detail, at));
    }

    @Override
    public Optional<TaskRun> findRun(long runId) {
        return db.query("find run " + runId, c -> RunRows.one(c, RunRows.BY_ID, runId));
    }

    @Override
    public List<TaskRun> runsOf(long deployId) {
        return db.query("read the runs of deploy " + deployId, c -> RunRows.list(c, RunRows.OF_DEPLOY, deployId));
    }

    @Override
    public List<TaskRun> runningRuns(String app) {
        return db.query("find running tasks of " + app, c -> RunRows.list(c, RunRows.RUNNING_OF_APP, app));
    }

    @Override
    public Optional<TaskRun> latestRun(String app) {
        return db.query("find the latest run of " + app, c -> RunRows.one(c, RunRows.LATEST_OF_APP, app));
    }

    @Override
    public Optional<TaskRun> latestReleaseRun(String app) {
        return db.query("find the latest release run of " + app, c -> RunRows.one(c, RunRows.LATEST_RELEASE_OF_APP, app));
    }

    @Override
    public byte[] outputTail(long runId) {
        return db.query("read the output of run " + runId, c -> RunRows.outputTail(c, runId));
    }

    @Override
    public long outputBytes(long runId) {
        return db.query("read the output size of run " + runId, c -> RunRows.outputBytes(c, runId));
    }

    // ---- events and whole apps ----

    @Override
    public void recordEvent(String app, String kind, String detail, Instant at) {
        db.change("record a " + kind + " of " + app, c -> RecordRows.insertEvent(c, app, kind, detail, at));
    }

    @Override
    public List<Event> events(String app, int limit) {
        return db.query("read the events of " + app, c -> RecordRows.events(c, app, limit));
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
        db.change("copy the records of " + oldApp + " to " + newApp, c -> AppRows.copy(c, oldApp, newApp));
    }

    @Override
    public List<String> prune(String app, int keep) {
        return db.write("prune the runs of " + app, c -> AppRows.prune(c, app, keep));
    }

    // ---- lock holders, notices, applied migrations, taken copies ----

    @Override
    public Optional<LockHolder> lockHolder(String lockKey) {
        return db.query("read the holder of lock " + lockKey, c -> RecordRows.lockHolder(c, lockKey));
    }

    @Override
    public void recordLockHolder(LockHolder holder) {
        db.change("record the holder of lock " + holder.lockKey(), c -> RecordRows.putLockHolder(c, holder));
    }

    @Override
    public void clearLockHolder(String lockKey, long pid) {
        db.change("clear the holder of lock " + lockKey, c -> RecordRows.clearLockHolder(c, lockKey, pid));
    }

    @Override
    public void recordNotification(Notification notification) {
        db.change("record the notice of run " + notification.runId(), c -> RecordRows.putNotification(c, notification));
    }

    @Override
    public Optional<Notification> notification(long runId) {
        return db.query("read the notice of run " + runId, c -> RecordRows.notification(c, runId));
    }

    @Override
    public Optional<Notification> latestNotification(String app) {
        return db.query("read the latest notice of " + app, c -> RecordRows.latestNotification(c, app));
    }

    @Override
    public void recordAppliedMigrations(long runId, List<AppliedMigration> migrations, Instant at) {
        db.change("record the migrations run " + runId + " applied",
                c -> AppliedMigrationRows.insert(c, runId, migrations, at));
    }

    @Override
    public Map<Long, List<Applied>> appliedMigrations(Collection<Long> runIds) {
        return db.query("read the migrations runs applied", c -> AppliedMigrationRows.ofRuns(c, runIds));
    }

    @Override
    public List<AppliedByRun> migrationHistory(String app, Optional<String> migration, int limit) {
        return db.query("read the migrations " + app + " applied",
                c -> AppliedMigrationRows.history(c, app, migration, limit));
    }

    @Override
    public void recordTakenCopies(long deployId, List<TakenCopy> copies) {
        db.change("keep the Procfile/app.json copies of deploy " + deployId, c -> RecordRows.putTakenCopies(c, deployId, copies));
    }

    @Override
    public List<TakenCopy.Recorded> takenCopies(String app, Phase.Source file, int limit) {
        return db.query("read the " + file.label() + " copies kept for " + app,
                c -> RecordRows.takenCopies(c, app, file, limit));
    }
}
