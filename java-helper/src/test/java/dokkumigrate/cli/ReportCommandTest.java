package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.adapters.lock.FileTaskLocks;
import dokkumigrate.deploy.MigrateReport;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "rake db:migrate"),
            new Task(Phase.PREDEPLOY, "rake assets:precompile"));

    @TempDir
    Path dir;
    CommandHost host;

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir).app("web");
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void anAppsReportIsDokkusBlockWithTheAppGlobalAndComputedValueOfEverySetting() {
        host.writeProperty("web", "timeout", "600");
        host.writeProperty("--global", "timeout", "900");
        host.env.put("DOCKER_BIN", "/opt/docker/bin/docker");

        CommandHost.Result result = host.run("report", "web");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(String.join("\n", List.of(
                "=====> web migrate information",
                "       Migrate computed enabled:           true",
                "       Migrate computed keep runs:         1000",
                "       Migrate computed ledger url:        ",
                "       Migrate computed lock by:           DATABASE_URL",
                "       Migrate computed lock group:        ",
                "       Migrate computed notify lines:      20",
                "       Migrate computed notify on:         failure",
                "       Migrate computed notify url:        ",
                "       Migrate computed output limit:      1048576",
                "       Migrate computed scaled migrations: warn",
                "       Migrate computed timeout:           600",
                "       Migrate docker api:                 docker client (DOCKER_BIN=/opt/docker/bin/docker)",
                "       Migrate enabled:                    ",
                "       Migrate global enabled:             ",
                "       Migrate global keep runs:           ",
                "       Migrate global ledger url:          ",
                "       Migrate global lock by:             ",
                "       Migrate global lock group:          ",
                "       Migrate global notify lines:        ",
                "       Migrate global notify on:           ",
                "       Migrate global notify url:          ",
                "       Migrate global output limit:        ",
                "       Migrate global scaled migrations:   ",
                "       Migrate global timeout:             900",
                "       Migrate keep runs:                  ",
                "       Migrate last deploy at:             ",
                "       Migrate last deploy id:             ",
                "       Migrate last deploy origin:         ",
                "       Migrate last deploy state:          none",
                "       Migrate last deploy tasks:          ",
                "       Migrate ledger state:               sqlite",
                "       Migrate lock basis:                 app",
                "       Migrate lock by:                    ",
                "       Migrate lock group:                 ",
                "       Migrate lock holder:                ",
                "       Migrate lock key:                   app.web",
                "       Migrate lock reason:                the config of web could not be read (plugn trigger "
                        + "config-export), so its database is unknown",
                "       Migrate lock state:                 free",
                "       Migrate notify lines:               ",
                "       Migrate notify on:                  ",
                "       Migrate notify url:                 ",
                "       Migrate output limit:               ",
                "       Migrate scaled migrations:          ",
                "       Migrate timeout:                    600")) + "\n", result.stdout());
        assertEquals("", result.stderr());
    }

    @Test
    void quietOutputDropsTheHeadingButKeepsTheRowsAsDokkuDoes() {
        host.env.put("DOKKU_QUIET_OUTPUT", "1");

        CommandHost.Result result = host.run("report", "web");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().startsWith("       Migrate computed enabled:           true\n"), result.stdout());
    }

    @Test
    void theDockerApiRowNamesTheEngineSocketWhenDokkuUsesThePlainDockerClient() {
        String dockerHost = System.getenv("DOCKER_HOST");
        org.junit.jupiter.api.Assumptions.assumeTrue(dockerHost == null || dockerHost.isEmpty() || dockerHost.startsWith("unix:///"),
                "the engine is reached through the client when DOCKER_HOST is not a local socket");
        host.env.put("DOCKER_BIN", "docker");
        String socket = dockerHost == null || dockerHost.isEmpty() ? "/var/run/docker.sock"
                : dockerHost.substring("unix://".length());

        assertEquals("engine socket " + socket + "\n", host.run("report", "web", "--migrate-docker-api").stdout());
        assertEquals("engine socket " + socket + "\n", host.run("report", "--global", "--migrate-docker-api").stdout());
    }

    @Test
    void aSingleFlagPrintsItsRawValueAppOverGlobalOverDefault() {
        assertEquals("3600\n", host.run("report", "web", "--migrate-computed-timeout").stdout());
        host.writeProperty("--global", "timeout", "900");
        assertEquals("900\n", host.run("report", "web", "--migrate-computed-timeout").stdout());
        host.writeProperty("web", "timeout", "60");
        assertEquals("60\n", host.run("report", "--migrate-computed-timeout", "web").stdout());
        assertEquals("900\n", host.run("report", "web", "--migrate-global-timeout").stdout());
        assertEquals("60\n", host.run("report", "web", "--migrate-timeout").stdout());
        assertEquals("\n", host.run("report", "web", "--migrate-lock-group").stdout());
    }

    @Test
    void jsonIsOneObjectOfStringsKeyedByTheFlagsWithoutTheirPrefix() {
        host.writeProperty("web", "lock-group", "shared-db");

        CommandHost.Result result = host.run("report", "web", "--format", "json");

        assertEquals(0, result.exitCode(), result.toString());
        JsonNode json = result.json();
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        List<String> expected = MigrateReport.flags(false).stream().map(f -> f.substring("--migrate-".length())).toList();
        assertEquals(expected, keys);
        for (Iterator<JsonNode> values = json.elements(); values.hasNext(); ) {
            assertTrue(values.next().isTextual(), json.toString());
        }
        assertEquals("shared-db", json.get("lock-group").asText());
        assertEquals("shared-db", json.get("computed-lock-group").asText());
        assertEquals("", json.get("global-lock-group").asText());
        assertEquals("group.shared-db", json.get("lock-key").asText());
        assertEquals("free", json.get("lock-state").asText());
        assertEquals("none", json.get("last-deploy-state").asText());
    }

    @Test
    void theLastDeploysStateAndTheLockHolderAreReported() {
        Deploy deploy = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
        host.completedRun(deploy, Phase.PREDEPLOY, RunState.SUCCEEDED, 0, "ok\n".getBytes(StandardCharsets.UTF_8));
        TaskRun release = host.completedRun(deploy, Phase.RELEASE, RunState.FAILED, 3,
                "boom\n".getBytes(StandardCharsets.UTF_8));
        host.ledger().recordLockHolder(new LockHolder("app.web", "web", deploy.id(), 4242, "build-host",
                CommandHost.T0));

        try (TaskLocks.Held held = new FileTaskLocks(host.lockDir()).acquire("app.web", Duration.ZERO,
                Duration.ofSeconds(1), () -> { })) {
            JsonNode json = host.run("report", "web", "--format", "json").json();

            assertEquals(Long.toString(deploy.id()), json.get("last-deploy-id").asText());
            assertEquals("extracted", json.get("last-deploy-origin").asText());
            assertEquals(deploy.createdAt().toString(), json.get("last-deploy-at").asText());
            assertEquals("failed", json.get("last-deploy-state").asText());
            assertEquals("predeploy succeeded (run #" + (release.id() - 1) + "), release failed (run #" + release.id()
                    + ")", json.get("last-deploy-tasks").asText());
            assertEquals("held", json.get("lock-state").asText());
            assertEquals("pid 4242 on build-host since 2024-05-01T10:00:00Z (app web, deploy #" + deploy.id() + ")",
                    json.get("lock-holder").asText());
        }
        assertEquals("free\n", host.run("report", "web", "--migrate-lock-state").stdout());
    }

    @Test
    void theGlobalReportHasTheGlobalAndComputedValuesOnly() {
        host.writeProperty("--global", "scaled-migrations", "fail");
        host.env.put("DOCKER_BIN", "/opt/docker/bin/docker");

        CommandHost.Result result = host.run("report", "--global");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(String.join("\n", List.of(
                "=====> --global migrate information",
                "       Migrate computed enabled:           true",
                "       Migrate computed keep runs:         1000",
                "       Migrate computed ledger url:        ",
                "       Migrate computed lock by:           DATABASE_URL",
                "       Migrate computed lock group:        ",
                "       Migrate computed notify lines:      20",
                "       Migrate computed notify on:         failure",
                "       Migrate computed notify url:        ",
                "       Migrate computed output limit:      1048576",
                "       Migrate computed scaled migrations: fail",
                "       Migrate computed timeout:           3600",
                "       Migrate docker api:                 docker client (DOCKER_BIN=/opt/docker/bin/docker)",
                "       Migrate global enabled:             ",
                "       Migrate global keep runs:           ",
                "       Migrate global ledger url:          ",
                "       Migrate global lock by:             ",
                "       Migrate global lock group:          ",
                "       Migrate global notify lines:        ",
                "       Migrate global notify on:           ",
                "       Migrate global notify url:          ",
                "       Migrate global output limit:        ",
                "       Migrate global scaled migrations:   fail",
                "       Migrate global timeout:             ",
                "       Migrate ledger state:               sqlite")) + "\n", result.stdout());
        assertEquals("fail\n", host.run("report", "--global", "--migrate-computed-scaled-migrations").stdout());
    }

    @Test
    void withoutAnAppEveryDokkuAppAndEveryAppTheLedgerKnowsIsReported() throws Exception {
        host.app("api");
        Files.createDirectories(host.dokkuRoot.resolve(".ssh"));
        Files.createDirectories(host.dokkuRoot.resolve("VHOST-DIR"));
        Files.writeString(host.dokkuRoot.resolve("HOSTNAME"), "example.com\n");
        host.deploy("gone", Deploy.Origin.EXTRACTED, PLAN);

        CommandHost.Result text = host.run("report");
        CommandHost.Result json = host.run("report", "--format", "json");
        CommandHost.Result flag = host.run("report", "--migrate-lock-key");

        assertEquals(0, text.exitCode(), text.toString());
        assertEquals(List.of("=====> api migrate information", "=====> gone migrate information",
                "=====> web migrate information"), text.stdout().lines().filter(l -> l.startsWith("=====>")).toList());
        List<String> lockKeys = json.stdout().lines().map(line -> {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("lock-key").asText();
            } catch (java.io.IOException e) {
                throw new AssertionError(line, e);
            }
        }).toList();
        assertEquals(List.of("app.api", "app.gone", "app.web"), lockKeys);
        assertEquals("app.api\napp.gone\napp.web\n", flag.stdout());
    }

    @Test
    void withNoAppAtAllItSaysSoAsDokkuDoes() throws Exception {
        Files.delete(host.dokkuRoot.resolve("web"));

        CommandHost.Result result = host.run("report");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertEquals(" !     You haven't deployed any applications yet\n", result.stderr());
    }

    @Test
    void anUnknownFlagIsRefusedWithTheValidOnes() {
        CommandHost.Result result = host.run("report", "web", "--migrate-colour");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertEquals(" !     Invalid flag passed, valid flags: " + String.join(", ", MigrateReport.flags(false)) + "\n",
                result.stderr());
    }

    @Test
    void anAppOnlyFlagIsUnknownToTheGlobalReport() {
        CommandHost.Result result = host.run("report", "--global", "--migrate-timeout");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(" !     Invalid flag passed, valid flags: " + String.join(", ", MigrateReport.flags(true)) + "\n",
                result.stderr());
    }

    @Test
    void twoFlagsOrAFlagWithJsonAreRefused() {
        CommandHost.Result two = host.run("report", "web", "--migrate-timeout", "--migrate-enabled");
        CommandHost.Result withJson = host.run("report", "web", "--migrate-timeout", "--format", "json");
        CommandHost.Result badFormat = host.run("report", "web", "--format", "yaml");
        CommandHost.Result extra = host.run("report", "web", "api");

        assertEquals(" !     migrate:report command allows only a single flag\n", two.stderr());
        assertEquals(" !     --format flag cannot be specified when specifying an info flag\n", withJson.stderr());
        assertEquals(" !     Invalid --format value 'yaml': use stdout or json\n", badFormat.stderr());
        assertEquals(" !     Unexpected argument 'api': migrate:report takes one app at most\n", extra.stderr());
        for (CommandHost.Result result : List.of(two, withJson, badFormat, extra)) {
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
        }
    }

    @Test
    void anUnknownOrBadlyNamedAppIsRefused() {
        CommandHost.Result unknown = host.run("report", "nope");
        CommandHost.Result shell = host.run("report", "web;rm -rf /");
        CommandHost.Result both = host.run("report", "web", "--global");

        assertEquals(1, unknown.exitCode());
        assertEquals(" !     App nope does not exist\n", unknown.stderr());
        assertEquals(1, shell.exitCode());
        assertEquals(" !     App name must begin with lowercase alphanumeric character, and may only contain lowercase "
                + "alphanumerics, dots, and hyphens\n", shell.stderr());
        assertEquals(" !     Specify either an app or --global, not both\n", both.stderr());
        assertEquals("", unknown.stdout() + shell.stdout() + both.stdout());
    }

    @Test
    void reportingWritesNoProperty() {
        host.run("report", "web");
        host.run("report", "--global");

        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void valuesFromTheLedgerAreEscapedSoNoneCanBreakTheBlock() {
        Deploy deploy = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
        host.ledger().recordLockHolder(new LockHolder("app.web", "web", deploy.id(), 1, "evil\u001b[2Jhost",
                CommandHost.T0));
        try (TaskLocks.Held held = new FileTaskLocks(host.lockDir()).acquire("app.web", Duration.ZERO,
                Duration.ofSeconds(1), () -> { })) {
            Map<String, String> rows = new TreeMap<>();
            host.run("report", "web").stdout().lines().skip(1)
                    .forEach(line -> rows.put(line.substring(7, 43).strip(), line.substring(43)));

            assertEquals("pid 1 on evil\\e[2Jhost since 2024-05-01T10:00:00Z (app web, deploy #" + deploy.id() + ")",
                    rows.get("Migrate lock holder:"));
        }
    }
}
