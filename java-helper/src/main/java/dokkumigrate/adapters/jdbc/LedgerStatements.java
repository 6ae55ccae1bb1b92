package dokkumigrate.adapters.jdbc;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
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

/**
 * What a ledger backend does its own way, run on the connection {@link JdbcLedger} gives it, inside
 * the transaction it chose: the operations whose code differs, and (its {@link Queries}, given to
 * {@link JdbcLedger} besides) the queries whose SQL differs. Everything else {@link JdbcLedger} runs
 * itself, with the statements both backends share ({@link DeployTable}, {@link RunTable},
 * {@link AppliedMigrationTable}, {@link RecordTable}, {@link AppRows}).
 */
public interface LedgerStatements {
    /**
     * A backend's queries, each run by {@link JdbcLedger} with the parameters named here.
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
     * @param eventsOfApp the app's events, newest first (app, limit)
     * @param latestNotification the notice of the app's newest run with one (app)
     * @param takenCopiesOfApp the app's copies of one file, newest deploy first (app, file, limit)
     */
    record Queries(String deployByKey, String latestExtracted, String latestDeploy, String deploysOfApp,
            String apps, String deployIdsOfApp, String latestRun, String latestReleaseRun, String migrationHistory,
            String migrationHistoryOfOne, String eventsOfApp, String latestNotification, String takenCopiesOfApp) {
    }

    Deploy recordPlan(Connection c, String app, DeployKey key, Deploy.Origin origin, String trigger,
            String revision, Plan plan) throws SQLException;

    /** See {@link RunTable#claim}, with concurrent claims of one deploy serialised the backend's way. */
    TaskRun claim(Connection c, long deployId, Phase phase, RunClaim claim) throws SQLException;

    TaskRun finish(Connection c, long runId, RunOutcome outcome, Instant finishedAt) throws SQLException;

    /** Removes all but the app's newest {@code keep} runs, and the deploys left without any; returns their logs. */
    List<String> prune(Connection c, String app, int keep) throws SQLException;

    /** Records the holder of a lock, in place of any earlier one. */
    void recordLockHolder(Connection c, LockHolder holder) throws SQLException;

    /** Records a run's notice, in place of any earlier one. */
    void recordNotification(Connection c, Notification notification) throws SQLException;

    /** Records a deploy's taken copies, each in place of any earlier one of its file. */
    void recordTakenCopies(Connection c, long deployId, List<TakenCopy> copies) throws SQLException;
}
