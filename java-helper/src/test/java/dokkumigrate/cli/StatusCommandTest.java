package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.TaskRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "rake db:migrate"));

    @TempDir
    Path dir;
    CommandHost host;
    List<Deploy> deploys = new ArrayList<>();

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir).app("web");
        for (int i = 0; i < 3; i++) {
            deploys.add(host.deploy("web", Deploy.Origin.EXTRACTED, PLAN));
        }
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    private static List<Long> ids(JsonNode history) {
        List<Long> ids = new ArrayList<>();
        history.forEach(deploy -> ids.add(deploy.get("id").asLong()));
        return ids;
    }

    @Test
    void theLatestDeploysRunsShowTheirHostAndASkippedRunSaysWhy() {
        Deploy latest = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
        TaskRun run = host.claim(latest, Phase.RELEASE, 4242);
        host.ledger().finish(run.id(), RunOutcome.skipped("the release of revision rev1 already ran on host-a: run #1 "
                + "of deploy #1"), CommandHost.T0);

        CommandHost.Result result = host.run("status", "web");

        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = CommandHost.lines(result.stdout());
        assertTrue(lines.get(2).contains("  Started  ") && lines.get(2).contains("  Host  "), lines.get(2));
        assertTrue(lines.get(3).contains("  " + host.hostName() + "  "), lines.get(3));
        assertEquals("       Run #" + run.id() + " (skipped): the release of revision rev1 already ran on host-a: run #1 of "
                + "deploy #1", lines.get(4));
    }

    @Test
    void limitShowsThatManyDeploysAndSaysWhenOlderOnesAreLeftOut() {
        CommandHost.Result text = host.run("status", "web", "--limit", "2");
        JsonNode json = host.run("status", "web", "--limit", "2", "--format", "json").json();

        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.stdout().endsWith("       Older deploys are not shown: dokku migrate:status web --all\n"),
                text.stdout());
        assertEquals(deploys.get(2).id(), json.get("latest_deploy").get("id").asLong());
        assertEquals(List.of(deploys.get(1).id()), ids(json.get("history")));
        assertTrue(json.get("more_deploys").asBoolean());
    }

    @Test
    void allShowsEveryDeployTheLedgerKeeps() {
        CommandHost.Result text = host.run("status", "web", "--all");
        JsonNode json = host.run("status", "web", "--all", "--format", "json").json();

        assertEquals(0, text.exitCode(), text.toString());
        assertFalse(text.stdout().contains("Older deploys"), text.stdout());
        assertEquals(List.of(deploys.get(1).id(), deploys.get(0).id()), ids(json.get("history")));
        assertFalse(json.get("more_deploys").asBoolean());
        assertEquals(ids(json.get("history")), ids(host.run("status", "web", "--limit", "3", "--format", "json").json()
                .get("history")));
    }

    @Test
    void allAndLimitTogetherAreRefused() {
        CommandHost.Result result = host.run("status", "web", "--all", "--limit", "5");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(" !     --all and --limit cannot be used together: --all shows every deploy the ledger keeps\n",
                result.stderr());
        assertEquals("", result.stdout());
    }

    @Test
    void badLimitsFormatsAppsAndFlagsAreRefused() {
        CommandHost.Result zero = host.run("status", "web", "--limit", "0");
        CommandHost.Result word = host.run("status", "web", "--limit", "many");
        CommandHost.Result format = host.run("status", "web", "--format", "yaml");
        CommandHost.Result unknown = host.run("status", "nope");
        CommandHost.Result shell = host.run("status", "web;id");
        CommandHost.Result flag = host.run("status", "web", "--since", "1d");

        assertEquals(" !     --limit must be 1 or more\n", zero.stderr());
        assertEquals(" !     Invalid --format value 'yaml': use stdout or json\n", format.stderr());
        assertEquals(" !     App nope does not exist\n", unknown.stderr());
        assertEquals(" !     App name must begin with lowercase alphanumeric character, and may only contain lowercase "
                + "alphanumerics, dots, and hyphens\n", shell.stderr());
        assertTrue(flag.stderr().startsWith(" !     Unknown options: '--since', '1d'"), flag.stderr());
        assertEquals(List.of(1, 2, 1, 1, 1, 2), List.of(zero.exitCode(), word.exitCode(), format.exitCode(),
                unknown.exitCode(), shell.exitCode(), flag.exitCode()));
    }
}
