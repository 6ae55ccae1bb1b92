package dokkumigrate.adapters.jdbc;

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

/**
 * A backend's SQL for each of the ledger's operations, one method per operation of
 * {@link dokkumigrate.ledger.Ledger}, run on the connection {@link JdbcLedger} gives it, inside the
 * transaction it chose. Each backend implements it with its own {@code *Rows} classes.
 */
public interface LedgerStatements {
    Deploy recordPlan(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger,
            String revision, Plan plan) throws SQLException;

    Optional<Deploy> findDeploy(Connection c, String app, DeployKey key) throws SQLException;

    Optional<Deploy> findDeploy(Connection c, long deployId) throws SQLException;

    Optional<Deploy> latestExtracted(Connection c, String app) throws SQLException;

    Optional<Deploy> latestDeploy(Connection c, String app) throws SQLException;

    Plan planOf(Connection c, long deployId) throws SQLException;

    List<Deploy> deploys(Connection c, String app, int limit) throws SQLException;

    List<String> apps(Connection c) throws SQLException;

    void markRolledOut(Connection c, long deployId, Instant at) throws SQLException;

    TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException;

    void recordLogFile(Connection c, long runId, String fileName) throws SQLException;

    void recordContainer(Connection c, long runId, String containerId) throws SQLException;

    TaskRun finish(Connection c, long runId, RunOutcome outcome, Instant finishedAt) throws SQLException;

    void markInterrupted(Connection c, long runId, String detail, Instant at) throws SQLException;

    Optional<TaskRun> findRun(Connection c, long runId) throws SQLException;

    List<TaskRun> runsOf(Connection c, long deployId) throws SQLException;

    List<TaskRun> runningRuns(Connection c, String app) throws SQLException;

    Optional<TaskRun> latestRun(Connection c, String app) throws SQLException;

    Optional<TaskRun> latestReleaseRun(Connection c, String app) throws SQLException;

    byte[] outputTail(Connection c, long runId) throws SQLException;

    long outputBytes(Connection c, long runId) throws SQLException;

    void recordEvent(Connection c, String app, String kind, String detail, Instant at) throws SQLException;

    List<Event> events(Connection c, String app, int limit) throws SQLException;

    List<String> deleteApp(Connection c, String app) throws SQLException;

    void renameApp(Connection c, String oldApp, String newApp) throws SQLException;

    void cloneApp(Connection c, String oldApp, String newApp) throws SQLException;

    List<String> prune(Connection c, String app, int keep) throws SQLException;

    Optional<LockHolder> lockHolder(Connection c, String lockKey) throws SQLException;

    void recordLockHolder(Connection c, LockHolder holder) throws SQLException;

    void clearLockHolder(Connection c, String lockKey, long pid) throws SQLException;

    void recordNotification(Connection c, Notification notification) throws SQLException;

    Optional<Notification> notification(Connection c, long runId) throws SQLException;

    Optional<Notification> latestNotification(Connection c, String app) throws SQLException;

    void recordAppliedMigrations(Connection c, long runId, List<AppliedMigration> migrations,
            Instant at) throws SQLException;

    Map<Long, List<Applied>> appliedMigrations(Connection c, Collection<Long> runIds) throws SQLException;

    List<AppliedByRun> migrationHistory(Connection c, String app, Optional<String> migration,
            int limit) throws SQLException;

    void recordTakenCopies(Connection c, long deployId, List<TakenCopy> copies) throws SQLException;

    List<TakenCopy.Recorded> takenCopies(Connection c, String app, Phase.Source file, int limit) throws SQLException;
}
