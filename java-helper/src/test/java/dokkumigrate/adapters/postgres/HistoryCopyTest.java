package dokkumigrate.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.sqlite.OldLedgers;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.ledger.Notification;
import dokkumigrate.ledger.RunRecords.RunClaim;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copying hosts' SQLite ledgers into a real PostgreSQL ledger: everything, once, side by side, the file untouched. */
class HistoryCopyTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "bin/rails db:migrate"),
            new Task(Phase.PREDEPLOY, "./bin/prepare"));
    private static final AppliedMigration USERS = new AppliedMigration("rails", "20240101000000", "AddUsers");
    private static PostgresServer server;

    @TempDir
    Path dir;
    private String database;
    private PostgresLedger postgres;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.startForLedgers();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openPostgres() {
        database = server.newLedgerDatabase();
        postgres = PostgresLedger.open(PostgresLedgerTest.connector(server, database));
    }

    @AfterEach
    void closePostgres() {
        postgres.close();
    }

    @Test
    void everythingIsCopiedOnceAndASecondCopyFindsItThere() throws Exception {
        Path file = dir.resolve("ledger.db");
        History history = writeHistory(file, "host-a");
        byte[] before = Files.readAllBytes(file);

        HistoryCopy.Counts first = HistoryCopy.copy(file, "host-a", postgres);

        Map<String, Integer> expected = Map.of("deploys", 2, "runs", 3, "events", 1, "notifications", 1,
                "applied_migrations", 1, "taken_copies", 1);
        assertEquals(expected, first.copied());
        assertEquals(0, first.totalAlreadyThere());
        assertTrue(first.describe().startsWith("copied "), first.describe());
        List<String> rowsAfterFirst = allRows();

        HistoryCopy.Counts second = HistoryCopy.copy(file, "host-a", postgres);

        assertEquals(0, second.totalCopied());
        assertEquals(expected, second.alreadyThere());
        assertEquals(rowsAfterFirst, allRows(), "a second copy changes no row");
        assertArrayEquals(before, Files.readAllBytes(file), "the SQLite file is only read");

        List<Deploy> deploys = postgres.deploys("web", 10);
        assertEquals(List.of(history.standing.key(), history.built.key()), deploys.stream().map(Deploy::key).toList());
        Deploy built = deploys.get(1);
        assertEquals("rev-1", built.revision());
        assertEquals(history.built.createdAt(), built.createdAt());
        assertEquals(history.built.rolledOutAt(), built.rolledOutAt());
        assertEquals(PLAN, postgres.planOf(built.id()));
        assertEquals(Optional.of(built), postgres.latestExtracted("web"), "the standing plan comes along");
        List<TaskRun> runs = postgres.runsOf(built.id());
        assertEquals(List.of(RunState.INTERRUPTED, RunState.SUCCEEDED), runs.stream().map(TaskRun::state).toList());
        assertEquals("host-a", runs.get(1).host());
        assertEquals(history.succeeded.logFile(), runs.get(1).logFile());
        assertEquals("migrated\n", new String(postgres.outputTail(runs.get(1).id()), StandardCharsets.UTF_8));
        assertEquals(9, postgres.outputBytes(runs.get(1).id()));
        assertEquals(Optional.of("example.org"), postgres.notification(runs.get(1).id()).map(Notification::target));
        assertEquals(List.of(USERS), postgres.migrationHistory("web", Optional.empty(), 10).stream()
                .map(h -> h.applied().migration()).toList());
        assertArrayEquals("release: x\n".getBytes(StandardCharsets.UTF_8),
                postgres.takenCopies("web", Phase.Source.PROCFILE, 10).get(0).copy().original().orElseThrow());
        assertEquals(List.of("restart"), postgres.events("web", 10).stream().map(e -> e.kind()).toList());
        assertEquals(Optional.empty(), postgres.lockHolder("app.web"), "lock holders are the host's own");
        assertEquals(Optional.empty(), postgres.findDeploy("web", history.built.key()),
                "a copied deploy is history, never the deploy of a Dokku invocation here");
        assertEquals(List.of("host-a " + history.built.id(), "host-a " + history.standing.id()),
                column("SELECT origin_host || ' ' || origin_id FROM deploys ORDER BY origin_id"));
    }

    @Test
    void twoHostsHistoriesStandSideBySide() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        History fromA = writeHistory(a, "host-a");
        History fromB = writeHistory(b, "host-b");
        assertEquals(fromA.built.id(), fromB.built.id(), "the same ids in both files");

        HistoryCopy.copy(a, "host-a", postgres);
        HistoryCopy.Counts copiedB = HistoryCopy.copy(b, "host-b", postgres);

        assertEquals(2, copiedB.copied().get("deploys"));
        assertEquals(4, postgres.deploys("web", 10).size());
        assertEquals(List.of("host-a", "host-b"), column("SELECT DISTINCT host FROM runs ORDER BY host"));
        assertEquals(List.of("host-a 3", "host-b 3"),
                column("SELECT origin_host || ' ' || COUNT(*) FROM runs GROUP BY origin_host ORDER BY origin_host"));
        assertEquals(2, postgres.migrationHistory("web", Optional.empty(), 10).size());
    }

    @Test
    void aDeployMadeHereStaysTheNewestWhenAnOlderHistoryIsCopiedAfterIt() throws Exception {
        Path file = dir.resolve("ledger.db");
        writeHistory(file, "host-b");
        Deploy here = postgres.recordPlan("web", new DeployKey(900, "boot-a:1"), Deploy.Origin.EXTRACTED, "", "rev-9",
                PLAN);

        HistoryCopy.copy(file, "host-b", postgres);

        assertEquals(Optional.of(here), postgres.latestExtracted("web"), "copied rows get later ids, not later times");
        assertEquals(Optional.of(here), postgres.latestDeploy("web"));
    }

    @Test
    void aLedgerInUseIsCopiedWithWhatItsWriteAheadLogHolds() throws Exception {
        Path file = dir.resolve("ledger.db");
        writeHistory(file, "host-a");
        try (Ledger inUse = SqliteLedger.open(file, Duration.ofSeconds(5))) {
            inUse.recordEvent("web", "scale", "web=2", T0.plusSeconds(60));
            assertTrue(Files.exists(Path.of(file + "-wal")), "the event is in the write-ahead log");

            HistoryCopy.Counts counts = HistoryCopy.copy(file, "host-a", postgres);

            assertEquals(2, counts.copied().get("events"));
            assertEquals(List.of("scale", "restart"), postgres.events("web", 10).stream().map(e -> e.kind()).toList());
            inUse.recordEvent("web", "unlock", "", T0.plusSeconds(61));
        }
    }

    @Test
    void countsAreDescribedTableByTable() throws Exception {
        Path file = dir.resolve("ledger.db");
        writeHistory(file, "host-a");

        assertEquals("copied 2 deploys, 3 runs, 1 events, 1 notifications, 1 applied migrations, 1 taken copies; "
                + "0 rows were there already", HistoryCopy.copy(file, "host-a", postgres).describe());
        assertEquals("copied 0 deploys, 0 runs, 0 events, 0 notifications, 0 applied migrations, 0 taken copies; "
                + "9 rows were there already", HistoryCopy.copy(file, "host-a", postgres).describe());
    }

    @Test
    void aLedgerOfTheFirstSchemaVersionIsCopiedAsItIs() throws Exception {
        Path file = dir.resolve("v1.db");
        OldLedgers.create(file, 1,
                "INSERT INTO deploys (id, app, deploy_key, dokku_pid, origin, created_at) "
                        + "VALUES (7, 'web', '100@boot:1', 100, 'extracted', 1000)",
                "INSERT INTO tasks (deploy_id, phase, command) VALUES (7, 'release', 'migrate')",
                "INSERT INTO runs (deploy_id, app, phase, command, state, attempt, started_at, host) "
                        + "VALUES (7, 'web', 'release', 'migrate', 'succeeded', 1, 1000, 'host-a')",
                "INSERT INTO events (app, kind, at) VALUES ('web', 'restart', 1000)");
        byte[] before = Files.readAllBytes(file);

        HistoryCopy.Counts counts = HistoryCopy.copy(file, "host-a", postgres);

        assertEquals(Map.of("deploys", 1, "runs", 1, "events", 1, "notifications", 0, "applied_migrations", 0,
                "taken_copies", 0), counts.copied());
        Deploy copied = postgres.latestExtracted("web").orElseThrow();
        assertEquals("", copied.revision(), "a ledger from before revisions knows none");
        assertEquals(Plan.of(new Task(Phase.RELEASE, "migrate")), postgres.planOf(copied.id()));
        assertEquals(RunState.SUCCEEDED, postgres.latestReleaseRun("web").orElseThrow().state());
        assertArrayEquals(before, Files.readAllBytes(file), "the old file is read, never upgraded");
    }

    @Test
    void aLongHistoryIsCopiedInSeveralBatchesOnce() throws Exception {
        Path file = dir.resolve("long.db");
        OldLedgers.create(file, OldLedgers.latestVersion(), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                + "FROM n WHERE i < 1234) INSERT INTO events (app, kind, detail, at) SELECT 'web', 'scale', 'web=' || i, i "
                + "FROM n");

        assertEquals(1234, HistoryCopy.copy(file, "host-a", postgres).copied().get("events"));
        assertEquals(1234, HistoryCopy.copy(file, "host-a", postgres).alreadyThere().get("events"));

        assertEquals(List.of("1234"), column("SELECT COUNT(*) FROM events"));
        assertEquals("web=1234", postgres.events("web", 1).get(0).detail());
    }

    @Test
    void aMissingFileCopiesNothing() {
        HistoryCopy.Counts counts = HistoryCopy.copy(dir.resolve("none.db"), "host-a", postgres);

        assertEquals(0, counts.totalCopied());
        assertEquals(List.of(), postgres.apps());
    }

    // ---- helpers ----

    private record History(Deploy built, Deploy standing, TaskRun succeeded) { }

    /** A host's ledger: a build whose release was interrupted then succeeded, and a release without a build. */
    private static History writeHistory(Path file, String host) throws InterruptedException {
        try (Ledger sqlite = SqliteLedger.open(file, Duration.ofSeconds(5))) {
            Deploy built = sqlite.recordPlan("web", new DeployKey(100, "boot-" + host + ":1"), Deploy.Origin.EXTRACTED,
                    "git push", "rev-1", PLAN);
            sqlite.recordTakenCopies(built.id(), List.of(new TakenCopy(Phase.Source.PROCFILE,
                    Optional.of("release: x\n".getBytes(StandardCharsets.UTF_8)), Optional.empty())));
            RunClaim claim = new RunClaim("dokku/web:latest", "sha256:abc", host, 42, T0);
            TaskRun interrupted = sqlite.claim(built.id(), Phase.RELEASE, claim);
            sqlite.markInterrupted(interrupted.id(), "helper 42 died", T0.plusSeconds(1));
            TaskRun run = sqlite.claim(built.id(), Phase.RELEASE, claim);
            sqlite.recordLogFile(run.id(), run.id() + ".log");
            sqlite.recordAppliedMigrations(run.id(), List.of(USERS), T0.plusSeconds(2));
            TaskRun succeeded = sqlite.finish(run.id(), new RunOutcome(RunState.SUCCEEDED, Optional.of(0),
                    "migrated\n".getBytes(StandardCharsets.UTF_8), 9, ""), T0.plusSeconds(3));
            sqlite.recordNotification(new Notification(run.id(), "example.org", 1, true, Optional.of(200), "",
                    T0.plusSeconds(4)));
            sqlite.markRolledOut(built.id(), T0.plusSeconds(5));
            sqlite.recordEvent("web", "restart", "ps:restart", T0.plusSeconds(6));
            sqlite.recordLockHolder(new LockHolder("app.web", "web", built.id(), 42, host, T0));
            Thread.sleep(2); // the release without a build comes later
            Deploy standing = sqlite.recordPlan("web", new DeployKey(101, "boot-" + host + ":2"), Deploy.Origin.STANDING,
                    "config:set", "rev-1", PLAN);
            TaskRun again = sqlite.claim(standing.id(), Phase.RELEASE, claim);
            sqlite.finish(again.id(), new RunOutcome(RunState.SUCCEEDED, Optional.of(0), new byte[0], 0, ""),
                    T0.plusSeconds(8));
            return new History(sqlite.findDeploy(built.id()).orElseThrow(), standing, succeeded);
        }
    }

    /** Every row of the copied tables, as text, to compare before and after. */
    private List<String> allRows() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String table : List.of("deploys", "tasks", "runs", "run_output", "events", "notifications",
                "applied_migrations", "taken_copies")) {
            rows.addAll(column("SELECT '" + table + "' || ' ' || t::text FROM " + table + " t ORDER BY t::text"));
        }
        return rows;
    }

    private List<String> column(String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
