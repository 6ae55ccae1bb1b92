package dokkumigrate.adapters.jdbc;

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
import java.util.List;
import java.util.Optional;

/**
 * What a ledger backend does its own way, run on the connection {@link JdbcLedger} gives it, inside
 * the transaction it chose: the queries whose SQL differs ({@link #queries}) and the operations whose
 * code differs. Everything else {@link JdbcLedger} runs itself, with the statements both backends
 * share ({@link DeployTable}, {@link RunTable}, {@link AppliedMigrationTable}, {@link AppRows}).
 */
public interface LedgerStatements {
    /**
     * The backend's queries, each run by the shared code with the parameters named here.
     *
     * @param deployByKey a deploy of this Dokku invocation (app, deploy key)
     * @param latestExtracted the app's newest extracted deploy (app)
     * @param latestDeploy the app's newest deploy (app)
     * @param deploysOfApp the app's deploys, newest first (app, limit)
     * @param apps the apps with a deploy, in order: one column
     * @param deployIdsOfApp the ids of the app's deploys, oldest first (app)
     * @param latestRun the app's newest run (app)
     * @param latestReleaseRun the app's newest release run (app)
     * @param migrationHistory see {@link AppliedMigrationTable#history(String)}
     * @param migrationHistoryOfOne see {@link AppliedMigrationTable#historyOfMigration}
     */
    record Queries(String deployByKey, String latestExtracted, String latestDeploy, String deploysOfApp,
            String apps, String deployIdsOfApp, String latestRun, String latestReleaseRun, String migrationHistory,
            String migrationHistoryOfOne) {
    }

    Queries queries();

    Deploy recordPlan(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger,
            String revision, Plan plan) throws SQLException;

    /** See {@link RunTable#claim}, with concurrent claims of one deploy serialised the backend's way. */
    TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException;

    TaskRun finish(Connection c, long runId, RunOutcome outcome, Instant finishedAt) throws SQLException;

    /** Removes all but the app's newest {@code keep} runs, and the deploys left without any; returns their logs. */
    List<String> prune(Connection c, String app, int keep) throws SQLException;

    void recordEvent(Connection c, String app, String kind, String detail, Instant at) throws SQLException;

    List<Event> events(Connection c, String app, int limit) throws SQLException;

    Optional<LockHolder> lockHolder(Connection c, String lockKey) throws SQLException;

    void recordLockHolder(Connection c, LockHolder holder) throws SQLException;

    void clearLockHolder(Connection c, String lockKey, long pid) throws SQLException;

    void recordNotification(Connection c, Notification notification) throws SQLException;

    Optional<Notification> notification(Connection c, long runId) throws SQLException;

    Optional<Notification> latestNotification(Connection c, String app) throws SQLException;

    void recordTakenCopies(Connection c, long deployId, List<TakenCopy> copies) throws SQLException;

    List<TakenCopy.Recorded> takenCopies(Connection c, String app, Phase.Source file, int limit) throws SQLException;
}
