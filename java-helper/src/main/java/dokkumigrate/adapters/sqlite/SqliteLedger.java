package dokkumigrate.adapters.sqlite;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The ledger in one SQLite file: WAL, a busy timeout, foreign keys, schema migrations tracked by
 * {@code PRAGMA user_version}. Every write is one short {@code BEGIN IMMEDIATE} transaction, so
 * concurrent helper processes serialise on SQLite's own lock.
 */
public final class SqliteLedger implements Ledger {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    private final Path path;
    private final Connection connection;

    private SqliteLedger(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    /**
     * Opens the ledger, creating it (mode 0640) when the file does not exist and applying any
     * pending schema migrations. An existing file that is not a SQLite database is refused,
     * never overwritten.
     */
    public static SqliteLedger open(Path path, Duration busyTimeout) {
        refuseForeignFile(path);
        createIfMissing(path);
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) busyTimeout.toMillis());
        config.enforceForeignKeys(true);
        Connection connection;
        try {
            connection = config.createConnection("jdbc:sqlite:" + path);
        } catch (SQLException e) {
            throw translate(path, "open", e);
        }
        SqliteLedger ledger = new SqliteLedger(path, connection);
        try {
            ledger.useWal(busyTimeout);
            ledger.migrate();
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
        return ledger;
    }

    public Path path() {
        return path;
    }

    /**
     * Puts the ledger in WAL mode (a no-op once it is). Switching needs the file to itself, and
     * SQLite answers "busy" at once, without its busy handler, to helpers that open a new ledger
     * together: so the switch is retried until the busy timeout is spent, as any write would wait.
     */
    private void useWal(Duration busyTimeout) {
        long deadline = System.nanoTime() + busyTimeout.toNanos();
        while (true) {
            String mode;
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                mode = rs.getString(1);
            } catch (SQLException e) {
                boolean busy = e instanceof SQLiteException sqlite
                        && (sqlite.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code;
                if (!busy || System.nanoTime() > deadline) {
                    throw translate(path, "open", e);
                }
                mode = "busy";
            }
            if ("wal".equalsIgnoreCase(mode)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LedgerException("The ledger at " + path + " stayed in journal mode " + mode
                        + " instead of WAL: another process kept it open for longer than the busy timeout. "
                        + "Find it with: fuser -v " + path + "; then try again.");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("Interrupted while opening the ledger at " + path, e);
            }
        }
    }

    /** The schema version the file is at. */
    public int schemaVersion() {
        return query("read the schema version", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                return rs.getInt(1);
            }
        });
    }

    private void migrate() {
        int current = schemaVersion();
        if (current > Schema.latestVersion()) {
            throw new LedgerException("The ledger at " + path + " has schema version " + current
                    + ", newer than this helper knows (" + Schema.latestVersion() + "). "
                    + "Update the plugin: dokku plugin:update migrate");
        }
        for (int version = current + 1; version <= Schema.latestVersion(); version++) {
            String sql = Schema.MIGRATIONS.get(version - 1);
            int target = version;
            write("apply schema migration " + version, c -> {
                try (Statement s = c.createStatement()) {
                    // another helper opening the ledger at the same time may have applied it first
                    try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                        if (rs.getInt(1) >= target) {
                            return null;
                        }
                    }
                    for (String statement : sql.split(";\\s*\\n")) {
                        if (!statement.isBlank()) {
                            s.executeUpdate(statement);
                        }
                    }
                    s.executeUpdate("PRAGMA user_version = " + target);
                }
                return null;
            });
        }
    }

    @Override
    public Deploy recordPlan(String app, DeployKey key, Deploy.Origin origin, String trigger, Plan plan) {
        return write("record the plan of " + app, c -> {
            Optional<Deploy> existing = selectDeploy(c, "app = ? AND deploy_key = ?", app, key.toString());
            long deployId;
            if (existing.isPresent()) {
                deployId = existing.get().id();
                if (countRuns(c, deployId) > 0) {
                    return existing.get();
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM tasks WHERE deploy_id = ?")) {
                    s.setLong(1, deployId);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE deploys SET origin = ?, trigger = ? WHERE id = ?")) {
                    s.setString(1, origin.label());
                    s.setString(2, trigger);
                    s.setLong(3, deployId);
                    s.executeUpdate();
                }
            } else {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, created_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    s.setString(1, app);
                    s.setString(2, key.toString());
                    s.setLong(3, key.dokkuPid());
                    s.setString(4, origin.label());
                    s.setString(5, trigger);
                    s.setLong(6, Instant.now().toEpochMilli());
                    s.executeUpdate();
                    deployId = generatedId(s);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO tasks (deploy_id, phase, command) VALUES (?, ?, ?)")) {
                for (Task task : plan.tasks()) {
                    s.setLong(1, deployId);
                    s.setString(2, task.phase().label());
                    s.setString(3, task.command());
                    s.executeUpdate();
                }
            }
            return selectDeploy(c, "id = ?", deployId).orElseThrow();
        });
    }

    @Override
    public Optional<Deploy> findDeploy(String app, DeployKey key) {
        return query("find a deploy of " + app, c -> selectDeploy(c, "app = ? AND deploy_key = ?", app, key.toString()));
    }

    @Override
    public Optional<Deploy> findDeploy(long deployId) {
        return query("find deploy " + deployId, c -> selectDeploy(c, "id = ?", deployId));
    }

    @Override
    public Optional<Deploy> latestExtracted(String app) {
        return query("find the standing plan of " + app,
                c -> selectDeploy(c, "app = ? AND origin = 'extracted' ORDER BY id DESC LIMIT 1", app));
    }

    @Override
    public Optional<Deploy> latestDeploy(String app) {
        return query("find the latest deploy of " + app, c -> selectDeploy(c, "app = ? ORDER BY id DESC LIMIT 1", app));
    }

    @Override
    public Plan planOf(long deployId) {
        return query("read the plan of deploy " + deployId, c -> {
            List<Task> tasks = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT phase, command FROM tasks WHERE deploy_id = ?")) {
                s.setLong(1, deployId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        tasks.add(new Task(Phase.parse(rs.getString(1)), rs.getString(2)));
                    }
                }
            }
            return new Plan(tasks);
        });
    }

    @Override
    public TaskRun claim(long deployId, Phase phase, RunClaim claim) {
        return write("claim the " + phase.label() + " task of deploy " + deployId, c -> {
            Optional<TaskRun> last = selectRuns(c, "deploy_id = ? AND phase = ? ORDER BY attempt DESC LIMIT 1",
                    deployId, phase.label()).stream().findFirst();
            if (last.isPresent() && !last.get().state().isClaimable()) {
                return last.get();
            }
            String command;
            String app;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT t.command, d.app FROM tasks t JOIN deploys d ON d.id = t.deploy_id "
                            + "WHERE t.deploy_id = ? AND t.phase = ?")) {
                s.setLong(1, deployId);
                s.setString(2, phase.label());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new LedgerException("deploy " + deployId + " has no " + phase.label() + " task to claim");
                    }
                    command = rs.getString(1);
                    app = rs.getString(2);
                }
            }
            int attempt = last.map(r -> r.attempt() + 1).orElse(1);
            long runId;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, started_at, image, image_id, "
                            + "host, helper_pid, log_path) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                s.setLong(1, deployId);
                s.setString(2, app);
                s.setString(3, phase.label());
                s.setString(4, command);
                s.setInt(5, attempt);
                s.setLong(6, claim.at().toEpochMilli());
                s.setString(7, claim.image());
                s.setString(8, claim.imageId());
                s.setString(9, claim.host());
                s.setLong(10, claim.helperPid());
                s.setString(11, claim.logPath());
                s.executeUpdate();
                runId = generatedId(s);
            }
            if (!claim.logPath().isEmpty()) {
                // the log file is named after the run; fill in the id now that it is known
                String logPath = claim.logPath().replace("{run}", Long.toString(runId));
                try (PreparedStatement s = c.prepareStatement("UPDATE runs SET log_path = ? WHERE id = ?")) {
                    s.setString(1, logPath);
                    s.setLong(2, runId);
                    s.executeUpdate();
                }
            }
            return selectRuns(c, "id = ?", runId).get(0);
        });
    }

    @Override
    public void recordContainer(long runId, String containerId) {
        update("record the container of run " + runId,
                "UPDATE runs SET container_id = ? WHERE id = ?", containerId, runId);
    }

    @Override
    public TaskRun finish(long runId, RunOutcome outcome, Instant finishedAt) {
        return write("record the end of run " + runId, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    // a run already marked interrupted (by the signal guard that stopped it) keeps that record
                    "UPDATE runs SET state = ?, exit_code = ?, finished_at = ?, detail = ?, output_bytes = ? "
                            + "WHERE id = ? AND state = 'running'")) {
                s.setString(1, outcome.state().label());
                if (outcome.exitCode() < 0) {
                    s.setNull(2, Types.INTEGER);
                } else {
                    s.setInt(2, outcome.exitCode());
                }
                s.setLong(3, finishedAt.toEpochMilli());
                s.setString(4, outcome.detail());
                s.setLong(5, outcome.outputBytes());
                s.setLong(6, runId);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT OR REPLACE INTO run_output (run_id, tail) VALUES (?, ?)")) {
                s.setLong(1, runId);
                s.setBytes(2, outcome.outputTail());
                s.executeUpdate();
            }
            return selectRuns(c, "id = ?", runId).get(0);
        });
    }

    @Override
    public void markInterrupted(long runId, String detail, Instant at) {
        update("mark run " + runId + " interrupted",
                "UPDATE runs SET state = 'interrupted', finished_at = ?, detail = ? WHERE id = ? AND state = 'running'",
                at.toEpochMilli(), detail, runId);
    }

    @Override
    public Optional<TaskRun> findRun(long runId) {
        return query("find run " + runId, c -> selectRuns(c, "id = ?", runId).stream().findFirst());
    }

    @Override
    public List<TaskRun> runsOf(long deployId) {
        return query("read the runs of deploy " + deployId,
                c -> selectRuns(c, "deploy_id = ? ORDER BY id", deployId));
    }

    @Override
    public List<TaskRun> runningRuns(String app) {
        return query("find running tasks of " + app, c -> selectRuns(c, "app = ? AND state = 'running' ORDER BY id", app));
    }

    @Override
    public byte[] outputTail(long runId) {
        return query("read the output of run " + runId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT tail FROM run_output WHERE run_id = ?")) {
                s.setLong(1, runId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : new byte[0];
                }
            }
        });
    }

    @Override
    public long outputBytes(long runId) {
        return query("read the output size of run " + runId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT output_bytes FROM runs WHERE id = ?")) {
                s.setLong(1, runId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public Optional<TaskRun> latestRun(String app) {
        return query("find the latest run of " + app,
                c -> selectRuns(c, "app = ? ORDER BY id DESC LIMIT 1", app).stream().findFirst());
    }

    @Override
    public void markRolledOut(long deployId, Instant at) {
        update("mark deploy " + deployId + " rolled out",
                "UPDATE deploys SET rolled_out_at = ? WHERE id = ? AND rolled_out_at IS NULL", at.toEpochMilli(), deployId);
    }

    @Override
    public void recordTakenCopies(long deployId, List<TakenCopy> copies) {
        write("keep the Procfile/app.json copies of deploy " + deployId, c -> {
            TakenCopiesTable.insert(c, deployId, copies);
            return null;
        });
    }

    @Override
    public List<TakenCopy.Recorded> takenCopies(String app, Phase.Source file, int limit) {
        return query("read the " + file.label() + " copies kept for " + app,
                c -> TakenCopiesTable.ofApp(c, app, file, limit));
    }

    @Override
    public void recordEvent(String app, String kind, String detail, Instant at) {
        update("record a " + kind + " of " + app,
                "INSERT INTO events (app, kind, detail, at) VALUES (?, ?, ?, ?)", app, kind, detail, at.toEpochMilli());
    }

    @Override
    public List<Event> events(String app, int limit) {
        return query("read the events of " + app, c -> {
            List<Event> events = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, app, kind, detail, at FROM events WHERE app = ? ORDER BY id DESC LIMIT ?")) {
                s.setString(1, app);
                s.setInt(2, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        events.add(new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                Instant.ofEpochMilli(rs.getLong(5))));
                    }
                }
            }
            return events;
        });
    }

    @Override
    public List<Deploy> deploys(String app, int limit) {
        return query("read the deploys of " + app, c -> {
            List<Deploy> deploys = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + DEPLOY_COLUMNS + " FROM deploys WHERE app = ? ORDER BY id DESC LIMIT ?")) {
                s.setString(1, app);
                s.setInt(2, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        deploys.add(readDeploy(rs));
                    }
                }
            }
            return deploys;
        });
    }

    @Override
    public List<String> apps() {
        return query("list the apps", c -> {
            List<String> apps = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT DISTINCT app FROM deploys ORDER BY app")) {
                while (rs.next()) {
                    apps.add(rs.getString(1));
                }
            }
            return apps;
        });
    }

    @Override
    public Optional<LockHolder> lockHolder(String lockKey) {
        return query("read the holder of lock " + lockKey, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT lock_key, app, deploy_id, pid, host, since FROM lock_holders WHERE lock_key = ?")) {
                s.setString(1, lockKey);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new LockHolder(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
        });
    }

    @Override
    public void recordLockHolder(LockHolder holder) {
        update("record the holder of lock " + holder.lockKey(),
                "INSERT OR REPLACE INTO lock_holders (lock_key, app, deploy_id, pid, host, since) VALUES (?, ?, ?, ?, ?, ?)",
                holder.lockKey(), holder.app(), holder.deployId(), holder.pid(), holder.host(), holder.since().toEpochMilli());
    }

    @Override
    public void clearLockHolder(String lockKey, long pid) {
        update("clear the holder of lock " + lockKey,
                "DELETE FROM lock_holders WHERE lock_key = ? AND pid = ?", lockKey, pid);
    }

    @Override
    public List<String> deleteApp(String app) {
        return write("delete the records of " + app, c -> {
            List<String> logs = logPaths(c, "SELECT log_path FROM runs WHERE app = ? AND log_path <> ''", app);
            for (String sql : List.of("DELETE FROM deploys WHERE app = ?", "DELETE FROM events WHERE app = ?",
                    "DELETE FROM lock_holders WHERE app = ?")) {
                execute(c, sql, app);
            }
            return logs;
        });
    }

    @Override
    public void renameApp(String oldApp, String newApp) {
        write("rename " + oldApp + " to " + newApp, c -> {
            for (String table : List.of("deploys", "runs", "events", "lock_holders")) {
                execute(c, "UPDATE " + table + " SET app = ? WHERE app = ?", newApp, oldApp);
            }
            return null;
        });
    }

    @Override
    public void cloneApp(String oldApp, String newApp) {
        write("copy the records of " + oldApp + " to " + newApp, c -> {
            List<Long> deployIds = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM deploys WHERE app = ? ORDER BY id")) {
                s.setString(1, oldApp);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        deployIds.add(rs.getLong(1));
                    }
                }
            }
            for (long oldId : deployIds) {
                long newId;
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO deploys (app, deploy_key, dokku_pid, origin, trigger, created_at, rolled_out_at) "
                                + "SELECT ?, deploy_key, dokku_pid, origin, trigger, created_at, rolled_out_at "
                                + "FROM deploys WHERE id = ?", Statement.RETURN_GENERATED_KEYS)) {
                    s.setString(1, newApp);
                    s.setLong(2, oldId);
                    s.executeUpdate();
                    newId = generatedId(s);
                }
                execute(c, "INSERT INTO tasks (deploy_id, phase, command) SELECT ?, phase, command FROM tasks "
                        + "WHERE deploy_id = ?", newId, oldId);
                TakenCopiesTable.copy(c, oldId, newId);
                for (TaskRun run : selectRuns(c, "deploy_id = ? ORDER BY id", oldId)) {
                    long newRunId;
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, exit_code, started_at, "
                            + "finished_at, image, image_id, container_id, host, helper_pid, log_path, detail, "
                            + "output_bytes) SELECT ?, ?, phase, command, state, attempt, exit_code, started_at, "
                            + "finished_at, image, image_id, container_id, host, helper_pid, log_path, detail, "
                            + "output_bytes FROM runs WHERE id = ?", Statement.RETURN_GENERATED_KEYS)) {
                        bind(s, newId, newApp, run.id());
                        s.executeUpdate();
                        newRunId = generatedId(s);
                    }
                    // the output tail is part of the run's record: the copy shows it like the original
                    execute(c, "INSERT INTO run_output (run_id, tail) SELECT ?, tail FROM run_output WHERE run_id = ?",
                            newRunId, run.id());
                    AppliedMigrationRows.copy(c, run.id(), newRunId);
                }
            }
            execute(c, "INSERT INTO events (app, kind, detail, at) SELECT ?, kind, detail, at FROM events "
                    + "WHERE app = ? ORDER BY id", newApp, oldApp);
            return null;
        });
    }

    @Override
    public List<String> prune(String app, int keep) {
        return write("prune the runs of " + app, c -> {
            String older = "SELECT id FROM runs WHERE app = ? ORDER BY id DESC LIMIT -1 OFFSET ?";
            List<String> logs = logPaths(c,
                    "SELECT log_path FROM runs WHERE id IN (" + older + ") AND log_path <> ''", app, keep);
            execute(c, "DELETE FROM runs WHERE id IN (" + older + ")", app, keep);
            execute(c, "DELETE FROM deploys WHERE app = ? AND id NOT IN (SELECT deploy_id FROM runs WHERE app = ?) "
                    + "AND id < (SELECT COALESCE(MIN(deploy_id), 0) FROM runs WHERE app = ?) "
                    + "AND id <> (SELECT COALESCE(MAX(id), 0) FROM deploys WHERE app = ? AND origin = 'extracted')",
                    app, app, app, app);
            return logs;
        });
    }

    @Override
    public void recordNotification(Notification notification) {
        write("record the notice of run " + notification.runId(), c -> {
            NotificationRows.insert(c, notification);
            return null;
        });
    }

    @Override
    public void recordAppliedMigrations(long runId, List<AppliedMigration> migrations, Instant at) {
        write("record the migrations run " + runId + " applied", c -> {
            AppliedMigrationRows.insert(c, runId, migrations, at);
            return null;
        });
    }

    @Override
    public Optional<Notification> notification(long runId) {
        return query("read the notice of run " + runId, c -> NotificationRows.ofRun(c, runId));
    }

    @Override
    public Optional<Notification> latestNotification(String app) {
        return query("read the latest notice of " + app, c -> NotificationRows.latestOfApp(c, app));
    }

    @Override
    public Map<Long, List<Applied>> appliedMigrations(Collection<Long> runIds) {
        return query("read the migrations runs applied", c -> AppliedMigrationRows.ofRuns(c, runIds));
    }

    @Override
    public List<AppliedByRun> migrationHistory(String app, Optional<String> migration, int limit) {
        return query("read the migrations " + app + " applied", c -> AppliedMigrationRows.history(c, app, migration, limit));
    }

    @Override
    public String integrityCheck() {
        return query("check the ledger's integrity", c -> {
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    problems.add(rs.getString(1));
                }
            }
            return String.join("\n", problems);
        });
    }

    /** Runs a read-only statement: used by the tests and benchmarks to check query plans. */
    public List<String> explainQueryPlan(String sql, Object... params) {
        return query("explain a query", c -> {
            List<String> plan = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                bind(s, params);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString("detail"));
                    }
                }
            }
            return plan;
        });
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw translate(path, "close", e);
        }
    }

    // ---- plumbing ----

    private static final String DEPLOY_COLUMNS = "id, app, deploy_key, origin, trigger, created_at, rolled_out_at";
    static final String RUN_COLUMNS = "id, deploy_id, app, phase, command, state, attempt, exit_code, "
            + "started_at, finished_at, image, image_id, container_id, host, helper_pid, log_path, detail";

    @FunctionalInterface
    private interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private <T> T query(String what, Work<T> work) {
        synchronized (connection) {
            try {
                return work.apply(connection);
            } catch (SQLException e) {
                throw translate(path, what, e);
            }
        }
    }

    /*
     * The transaction is driven with plain BEGIN IMMEDIATE / COMMIT / ROLLBACK statements on a
     * connection left in auto-commit mode, not with the driver's setAutoCommit/commit: the driver
     * begins the next transaction straight after every commit or rollback (taking the write lock
     * again, and failing with "busy" after a write that did commit), and a BEGIN that timed out
     * leaves it believing a transaction is open, so the next write ran outside any transaction
     * and then failed with "cannot commit - no transaction is active".
     */
    private <T> T write(String what, Work<T> work) {
        synchronized (connection) {
            try {
                executeStatement("BEGIN IMMEDIATE");
                try {
                    T result = work.apply(connection);
                    executeStatement("COMMIT");
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(e);
                    throw e;
                }
            } catch (SQLException e) {
                throw translate(path, what, e);
            }
        }
    }

    private void executeStatement(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            executeStatement("ROLLBACK");
        } catch (SQLException rollbackFailure) {
            // SQLite may already have rolled the transaction back on its own (e.g. a full disk)
            cause.addSuppressed(rollbackFailure);
        }
    }

    private void update(String what, String sql, Object... params) {
        write(what, c -> {
            execute(c, sql, params);
            return null;
        });
    }

    private static int execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return s.executeUpdate();
        }
    }

    static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }

    private static long generatedId(Statement s) throws SQLException {
        try (ResultSet keys = s.getGeneratedKeys()) {
            keys.next();
            return keys.getLong(1);
        }
    }

    private static int countRuns(Connection c, long deployId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM runs WHERE deploy_id = ?")) {
            s.setLong(1, deployId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.getInt(1);
            }
        }
    }

    private static List<String> logPaths(Connection c, String sql, Object... params) throws SQLException {
        List<String> paths = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    paths.add(rs.getString(1));
                }
            }
        }
        return paths;
    }

    private static Optional<Deploy> selectDeploy(Connection c, String where, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + DEPLOY_COLUMNS + " FROM deploys WHERE " + where)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(readDeploy(rs)) : Optional.empty();
            }
        }
    }

    private static Deploy readDeploy(ResultSet rs) throws SQLException {
        long rolledOut = rs.getLong(7);
        Optional<Instant> rolledOutAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(rolledOut));
        return new Deploy(rs.getLong(1), rs.getString(2), DeployKey.parse(rs.getString(3)),
                Deploy.Origin.parse(rs.getString(4)), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rolledOutAt);
    }

    private static List<TaskRun> selectRuns(Connection c, String where, Object... params) throws SQLException {
        List<TaskRun> runs = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs WHERE " + where)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    runs.add(readRun(rs));
                }
            }
        }
        return runs;
    }

    private static TaskRun readRun(ResultSet rs) throws SQLException {
        return readRun(rs, 1);
    }

    /** A run from the {@link #RUN_COLUMNS} of a row, starting at column {@code first}. */
    static TaskRun readRun(ResultSet rs, int first) throws SQLException {
        int o = first - 1;
        return new TaskRun(rs.getLong(o + 1), rs.getLong(o + 2), rs.getString(o + 3), Phase.parse(rs.getString(o + 4)),
                rs.getString(o + 5), RunState.parse(rs.getString(o + 6)), rs.getInt(o + 7), optionalInt(rs, o + 8),
                optionalInstant(rs, o + 9), optionalInstant(rs, o + 10), rs.getString(o + 11), rs.getString(o + 12),
                rs.getString(o + 13), rs.getString(o + 14), rs.getLong(o + 15), rs.getString(o + 16), rs.getString(o + 17));
    }

    private static Optional<Integer> optionalInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }

    private static void refuseForeignFile(Path path) {
        if (!Files.isRegularFile(path)) {
            return;
        }
        byte[] header = new byte[SQLITE_HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(header, 0, header.length);
        } catch (IOException e) {
            throw new LedgerException("Cannot read the ledger at " + path + ": " + e.getMessage()
                    + ". Check that it is readable by the dokku user.", e);
        }
        if (read > 0 && (read < header.length || !Arrays.equals(header, SQLITE_HEADER))) {
            throw new LedgerException(notADatabase(path));
        }
    }

    private static void createIfMissing(Path path) {
        if (Files.exists(path)) {
            return;
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new LedgerException("The ledger's directory " + parent + " does not exist. "
                    + "Run the plugin's install: dokku plugin:install");
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another helper created it first; it is opened below like any existing ledger
        } catch (IOException e) {
            throw new LedgerException("Cannot create the ledger at " + path + ": " + e.getMessage(), e);
        }
    }

    private static String notADatabase(Path path) {
        return "The ledger at " + path + " is not a SQLite database or is corrupt; nothing was changed. "
                + "Keep it for inspection (mv " + path + " " + path + ".broken), then restore it from a backup "
                + "or let the next deploy start a new, empty ledger.";
    }

    private static LedgerException translate(Path path, String what, SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            int primary = code.code & 0xff;
            if (primary == SQLiteErrorCode.SQLITE_NOTADB.code || primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
                return new LedgerException(notADatabase(path), e);
            }
            if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
                List<String> holders = LockHolders.of(path);
                return new LedgerException("The ledger at " + path + " stayed locked by another process"
                        + (holders.isEmpty() ? "" : " (" + String.join(", ", holders) + ")")
                        + " for longer than the busy timeout, so could not " + what + ". "
                        + (holders.isEmpty() ? "Find the holder with: fuser -v " + path + "; then try again."
                                : "Let it finish or stop it; then try again. Nothing was written."), e);
            }
            // a full disk also shows as an I/O error, e.g. when SQLite cannot grow its -shm file
            if (primary == SQLiteErrorCode.SQLITE_FULL.code
                    || (primary == SQLiteErrorCode.SQLITE_IOERR.code && diskFull(path))) {
                return new LedgerException("The disk holding the ledger at " + path + " is full, so could not "
                        + what + ". Free some space and deploy again; nothing of this step was written to the ledger.", e);
            }
            if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
                    || primary == SQLiteErrorCode.SQLITE_PERM.code) {
                return new LedgerException("Cannot write the ledger at " + path + " (" + what + "): "
                        + sqlite.getMessage() + ". It must be owned and writable by the dokku user: "
                        + "run dokku plugin:install to repair its ownership.", e);
            }
        }
        return new LedgerException("Could not " + what + " (ledger at " + path + "): " + e.getMessage(), e);
    }

    /** Whether the file system holding the ledger has (almost) no room left for it to grow. */
    private static boolean diskFull(Path path) {
        try {
            Path directory = path.toAbsolutePath().getParent();
            return directory != null && Files.getFileStore(directory).getUsableSpace() < 64 * 1024;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
