package dokkumigrate.adapters.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger.Applied;
import dokkumigrate.ledger.Ledger.AppliedByRun;
import dokkumigrate.ledger.Ledger.RunClaim;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's record of the migrations each run applied. */
class AppliedMigrationRowsTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "bin/rails db:migrate"));
    private static final AppliedMigration USERS = new AppliedMigration("rails", "20240101000000", "AddUsers");
    private static final AppliedMigration POSTS = new AppliedMigration("rails", "20240102000000", "AddPosts");
    private static final AppliedMigration ORDERS = new AppliedMigration("django", "shop.0002_orders", "");

    @TempDir
    Path dir;
    SqliteLedger ledger;

    @BeforeEach
    void open() {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void migrationsRecordedWhileARunIsRunningStayWhenItFails() {
        TaskRun run = claim("web", 1);
        ledger.recordAppliedMigrations(run.id(), List.of(USERS), T0);
        ledger.recordAppliedMigrations(run.id(), List.of(POSTS), T0.plusSeconds(1));
        ledger.finish(run.id(), new RunOutcome(RunState.FAILED, 1, new byte[0], 0, "exited with code 1"), T0.plusSeconds(2));

        assertEquals(Map.of(run.id(), List.of(new Applied(run.id(), USERS, T0), new Applied(run.id(), POSTS, T0.plusSeconds(1)))),
                ledger.appliedMigrations(List.of(run.id())));
    }

    @Test
    void aRunThatAppliedNothingIsAbsent() {
        TaskRun run = claim("web", 1);
        assertEquals(Map.of(), ledger.appliedMigrations(List.of(run.id())));
    }

    @Test
    void historyIsTheAppsOnlyNewestFirstWithTheirRuns() {
        TaskRun first = claim("web", 1);
        ledger.recordAppliedMigrations(first.id(), List.of(USERS), T0);
        TaskRun second = claim("web", 2);
        ledger.recordAppliedMigrations(second.id(), List.of(POSTS, ORDERS), T0.plusSeconds(60));
        TaskRun other = claim("api", 1);
        ledger.recordAppliedMigrations(other.id(), List.of(USERS), T0);

        List<AppliedByRun> history = ledger.migrationHistory("web", Optional.empty(), 100);

        assertEquals(List.of(ORDERS, POSTS, USERS), history.stream().map(h -> h.applied().migration()).toList());
        assertEquals(List.of(second.id(), second.id(), first.id()), history.stream().map(h -> h.run().id()).toList());
        assertEquals(second.deployId(), history.get(0).run().deployId());
        assertEquals(2, ledger.migrationHistory("web", Optional.empty(), 2).size());
    }

    @Test
    void aMigrationIsFoundByItsIdItsVersionPrefixOrItsName() {
        TaskRun run = claim("web", 1);
        AppliedMigration prisma = new AppliedMigration("prisma", "20240103000000_init", "");
        ledger.recordAppliedMigrations(run.id(), List.of(USERS, prisma, ORDERS), T0);

        assertEquals(List.of(USERS), found("20240101000000"));
        assertEquals(List.of(USERS), found("AddUsers"));
        assertEquals(List.of(prisma), found("20240103000000"));
        assertEquals(List.of(prisma), found("20240103000000_init"));
        assertEquals(List.of(ORDERS), found("shop.0002_orders"));
        assertEquals(List.of(), found("2024010300000"));
        assertEquals(List.of(), found("%"));
    }

    @Test
    void prunedAndDeletedRunsTakeTheirMigrationsAlong() {
        TaskRun old = claim("web", 1);
        ledger.recordAppliedMigrations(old.id(), List.of(USERS), T0);
        TaskRun recent = claim("web", 2);
        ledger.recordAppliedMigrations(recent.id(), List.of(POSTS), T0);

        ledger.prune("web", 1);
        assertEquals(List.of(POSTS), ledger.migrationHistory("web", Optional.empty(), 10).stream()
                .map(h -> h.applied().migration()).toList());

        ledger.deleteApp("web");
        assertEquals(Map.of(), ledger.appliedMigrations(List.of(old.id(), recent.id())));
    }

    @Test
    void aRenamedAppKeepsAndAClonedAppCopiesItsMigrations() {
        TaskRun run = claim("web", 1);
        ledger.recordAppliedMigrations(run.id(), List.of(USERS), T0);

        ledger.renameApp("web", "shop");
        ledger.cloneApp("shop", "shop-copy");

        assertEquals(1, ledger.migrationHistory("shop", Optional.empty(), 10).size());
        List<AppliedByRun> copied = ledger.migrationHistory("shop-copy", Optional.empty(), 10);
        assertEquals(List.of(USERS), copied.stream().map(h -> h.applied().migration()).toList());
        assertTrue(copied.get(0).run().id() != run.id());
    }

    @Test
    void theHistoryQueryUsesIndexes() {
        List<String> plan = ledger.explainQueryPlan("SELECT a.id FROM applied_migrations a JOIN runs r ON r.id = a.run_id "
                + "WHERE r.app = ? ORDER BY a.id DESC LIMIT 10", "web");
        assertTrue(plan.stream().noneMatch(step -> step.startsWith("SCAN a") || step.startsWith("SCAN r")), plan.toString());
    }

    private List<AppliedMigration> found(String migration) {
        return ledger.migrationHistory("web", Optional.of(migration), 10).stream().map(h -> h.applied().migration()).toList();
    }

    private TaskRun claim(String app, long pid) {
        Deploy deploy = ledger.recordPlan(app, new DeployKey(pid, "boot:" + pid), Deploy.Origin.EXTRACTED, "", PLAN);
        return ledger.claim(deploy.id(), Phase.RELEASE,
                new RunClaim("dokku/" + app + ":latest", "sha256:abc", "host-a", 1, "{run}.log", T0));
    }
}
