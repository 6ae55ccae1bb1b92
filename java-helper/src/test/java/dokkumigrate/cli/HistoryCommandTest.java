package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.applied.AppliedMigration;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** migrate:history and migrate:status --migrations over a real ledger. */
class HistoryCommandTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "bin/release"));
    private static final AppliedMigration USERS = new AppliedMigration("rails", "20240101000000", "AddUsers");
    private static final AppliedMigration ORDERS = new AppliedMigration("django", "shop.0002_orders", "");

    @TempDir
    Path dir;
    CommandHost host;
    TaskRun first;
    TaskRun failed;

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir).app("web");
        first = host.completedRun(host.deploy("web", Deploy.Origin.EXTRACTED, PLAN), Phase.RELEASE, RunState.SUCCEEDED, 0,
                "ok".getBytes(StandardCharsets.UTF_8));
        host.ledger().recordAppliedMigrations(first.id(), List.of(USERS), CommandHost.T0.plusSeconds(1));
        failed = host.claim(host.deploy("web", Deploy.Origin.EXTRACTED, PLAN), Phase.RELEASE, 4242);
        host.ledger().recordAppliedMigrations(failed.id(), List.of(ORDERS), CommandHost.T0.plusSeconds(2));
        failed = host.finish(failed, RunState.FAILED, 1, "boom".getBytes(StandardCharsets.UTF_8), 1024);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void historyListsTheMigrationsNewestFirstWithTheirRuns() {
        CommandHost.Result result = host.run("history", "web");

        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.stdout().lines().toList();
        assertEquals("=====> web applied migrations", lines.get(0));
        assertTrue(lines.get(1).matches(" {7}Migration +Name +Framework +Run +Phase +State +Deploy +Image +Host +Seen"), lines.get(1));
        assertTrue(lines.get(2).matches(" {7}shop\\.0002_orders +- +django +#" + failed.id() + " +release +failed +#"
                + failed.deployId() + " +dokku/web:latest +\\S+ +2024-05-01 10:00:02"), lines.get(2));
        assertTrue(lines.get(3).matches(" {7}20240101000000 +AddUsers +rails +#" + first.id() + " +release +succeeded .*"),
                lines.get(3));
        assertEquals(4, lines.size(), result.stdout());
    }

    @Test
    void migrationSaysWhichRunAppliedItOrThatNoneDid() {
        CommandHost.Result found = host.run("history", "web", "--migration", "20240101000000");
        CommandHost.Result byName = host.run("history", "web", "--migration", "AddUsers", "--format", "json");
        CommandHost.Result missing = host.run("history", "web", "--migration", "20991231000000");

        assertEquals(0, found.exitCode(), found.toString());
        assertTrue(found.stdout().contains("       Applied by run #" + first.id() + " (release, succeeded) of deploy #"
                + first.deployId() + ", image dokku/web:latest, on "), found.stdout());
        JsonNode json = byName.json();
        assertEquals(1, json.get("applied").size());
        assertEquals(first.id(), json.get("applied").get(0).get("run_id").asLong());
        assertEquals("20240101000000", json.get("applied").get(0).get("id").asText());
        assertEquals("dokku/web:latest", json.get("applied").get(0).get("image").asText());
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.stdout().contains("No run of web that the ledger keeps applied it."), missing.stdout());
    }

    @Test
    void statusCountsEachRunsMigrationsAndListsThemWithMigrations() {
        CommandHost.Result plain = host.run("status", "web");
        CommandHost.Result listed = host.run("status", "web", "--migrations");
        JsonNode json = host.run("status", "web", "--format", "json").json();

        assertEquals(0, plain.exitCode(), plain.toString());
        assertTrue(plain.stdout().contains(" Migrations "), plain.stdout());
        assertTrue(!plain.stdout().contains("Migrations applied by run"), plain.stdout());
        assertTrue(listed.stdout().contains("       Migrations applied by run #" + failed.id() + " (release, failed):\n"
                + "         Framework  Migration         Name  Seen\n"
                + "         django     shop.0002_orders  -     2024-05-01 10:00:02\n"), listed.stdout());
        assertTrue(listed.stdout().contains("Migrations applied by run #" + first.id() + " (release, succeeded):"),
                listed.stdout());
        JsonNode run = json.get("latest_deploy").get("runs").get(0);
        assertEquals(1, run.get("migrations_applied").asInt());
        assertEquals("shop.0002_orders", run.get("migrations").get(0).get("id").asText());
        assertEquals("django", run.get("migrations").get(0).get("framework").asText());
        assertEquals("AddUsers", json.get("history").get(0).get("runs").get(0).get("migrations").get(0).get("name").asText());
    }
}
