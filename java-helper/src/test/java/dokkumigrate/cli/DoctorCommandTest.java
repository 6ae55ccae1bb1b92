package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * migrate:doctor's checks that need no Dokku. Dokku's own runner is asked through plugn
 * (procfile-get-command, ps-current-scale), so the native-release and boot-migrations checks are
 * covered in tests/commands.bats; here they only must not fail the doctor.
 */
class DoctorCommandTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "rake db:migrate"),
            new Task(Phase.PREDEPLOY, "rake assets:precompile"));

    @TempDir
    Path dir;
    CommandHost host;
    String app;
    String image;

    @BeforeEach
    void createHost() {
        app = "doctor-" + UUID.randomUUID().toString().substring(0, 8);
        host = new CommandHost(dir).app(app);
    }

    @AfterEach
    void cleanUp() {
        host.close();
        if (image != null) {
            TestImages.removeImage(image);
        }
    }

    /** dokku/APP:latest, as a build leaves it. */
    private void deployedImage() {
        image = "dokku/" + app + ":latest";
        TestImages.dockerOk("image", "tag", TestImages.busybox(), image);
    }

    private static Map<String, JsonNode> checks(CommandHost.Result result) {
        Map<String, JsonNode> checks = new LinkedHashMap<>();
        result.json().get("checks").forEach(check -> checks.put(check.get("id").asText(), check));
        return checks;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAnAppTheHostsLedgerIsChecked() {
        CommandHost.Result result = host.run("doctor");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("""
                =====> migrate doctor
                -----> Ledger health: ok
                       PRAGMA integrity_check found no problem.
                =====> 0 failures, 0 warnings, 1 ok
                """, result.stdout());
        assertEquals("", result.stderr());
    }

    @Test
    void aHealthyAppPassesEveryCheckThatNeedsNoDokku() throws Exception {
        deployedImage();
        Deploy deploy = host.deploy(app, Deploy.Origin.EXTRACTED, PLAN);
        TaskRun predeploy = host.completedRun(deploy, Phase.PREDEPLOY, RunState.SUCCEEDED, 0, bytes("ok\n"));
        TaskRun release = host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, bytes("ok\n"));
        host.writeDataFile("app-json", app, "app.json", "{\"scripts\": {\"dokku\": {}}}");

        CommandHost.Result result = host.run("doctor", app, "--format", "json");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(app, result.json().get("app").asText());
        Map<String, JsonNode> checks = checks(result);
        // the deployed image is asked from Dokku, which this host does not run: no image, so no boot scan
        assertEquals(List.of("ledger", "settings", "lock", "plan", "last-deploy", "notifications", "image",
                "native-release", "native-predeploy"), new ArrayList<>(checks.keySet()));
        for (String id : List.of("ledger", "settings", "lock", "plan", "last-deploy", "notifications",
                "native-predeploy")) {
            assertEquals("ok", checks.get(id).get("verdict").asText(), checks.get(id).toString());
            assertTrue(checks.get(id).get("next_step").isNull(), checks.get(id).toString());
        }
        assertNotEquals("failure", result.json().get("verdict").asText());
        assertEquals(List.of("predeploy (app.json): rake assets:precompile", "release (Procfile): rake db:migrate"),
                texts(checks.get("plan").get("details")));
        assertEquals("Deploy #" + deploy.id() + " (extracted, " + deploy.createdAt() + ") is succeeded.",
                checks.get("last-deploy").get("finding").asText());
        assertEquals(List.of("predeploy succeeded (run #" + predeploy.id() + "), release succeeded (run #"
                + release.id() + ")"), texts(checks.get("last-deploy").get("details")));
        assertEquals("The app." + app + " lock is free.", checks.get("lock").get("finding").asText());
        assertEquals("warning", checks.get("image").get("verdict").asText());
    }

    @Test
    void aFailedLastDeployFailsTheDoctorWithTheRunToRead() {
        deployedImage();
        Deploy deploy = host.deploy(app, Deploy.Origin.EXTRACTED, PLAN);
        TaskRun predeploy = host.completedRun(deploy, Phase.PREDEPLOY, RunState.SUCCEEDED, 0, bytes("ok\n"));
        TaskRun release = host.completedRun(deploy, Phase.RELEASE, RunState.FAILED, 3, bytes("boom\n"));

        CommandHost.Result result = host.run("doctor", app);

        assertEquals(1, result.exitCode(), result.toString());
        List<String> lines = CommandHost.lines(result.stdout());
        int at = lines.indexOf("-----> Last deploy: failure");
        assertTrue(at > 0, result.stdout());
        assertEquals(List.of(
                "-----> Last deploy: failure",
                "       Deploy #" + deploy.id() + " (extracted, " + deploy.createdAt() + ") is failed. Its release task "
                        + "failed with exit code 3, so the deploy was stopped.",
                "         predeploy succeeded (run #" + predeploy.id() + "), release failed (run #" + release.id() + ")",
                "       Next step: Read its output (dokku migrate:logs " + app + " " + release.id() + "), fix the task, "
                        + "then deploy again or run it: dokku migrate:run " + app + " --phase release"),
                lines.subList(at, at + 4));
        assertTrue(lines.get(lines.size() - 1).startsWith("=====> 1 failure, "), result.stdout());
        assertEquals(" !     " + app + " failed 1 of " + (lines.stream().filter(l -> l.startsWith("-----> ")).count())
                + " checks: see the next steps above\n", result.stderr());
    }

    @Test
    void aStaleLockRecordIsAWarningWithUnlockAsTheNextStep() {
        deployedImage();
        Deploy deploy = host.deploy(app, Deploy.Origin.EXTRACTED, PLAN);
        long dead = CommandHost.deadPid();
        TaskRun stale = host.claim(deploy, Phase.PREDEPLOY, dead);
        host.ledger().recordLockHolder(new LockHolder("app." + app, app, deploy.id(), dead, "build-host",
                CommandHost.T0));

        JsonNode lock = checks(host.run("doctor", app, "--format", "json")).get("lock");

        assertEquals("warning", lock.get("verdict").asText());
        assertEquals("The app." + app + " lock is free, but a helper that died left records behind.",
                lock.get("finding").asText());
        assertEquals(List.of("a holder record of pid " + dead + " on build-host since 2024-05-01T10:00:00Z (app " + app
                        + ", deploy #" + deploy.id() + "), whose process is gone",
                "run #" + stale.id() + " (predeploy) still marked running, by helper " + dead + " on "
                        + host.hostName()), texts(lock.get("details")));
        assertEquals("Clear them (the next deploy would too): dokku migrate:unlock " + app,
                lock.get("next_step").asText());
    }

    @Test
    void aCorruptLedgerFailsAndSkipsTheChecksThatNeedIt() throws Exception {
        deployedImage();
        Files.write(host.ledgerPath(), bytes("this is not a database, it is a note"));

        CommandHost.Result result = host.run("doctor", app, "--format", "json");

        assertEquals(1, result.exitCode(), result.toString());
        Map<String, JsonNode> checks = checks(result);
        assertEquals("failure", checks.get("ledger").get("verdict").asText());
        assertTrue(texts(checks.get("ledger").get("details")).get(0).contains("is not a SQLite database"),
                checks.get("ledger").toString());
        assertFalse(checks.containsKey("lock"));
        assertFalse(checks.containsKey("last-deploy"));
        assertEquals("failure", result.json().get("verdict").asText());
        assertEquals("this is not a database, it is a note", Files.readString(host.ledgerPath()), "left as it was");
    }

    @Test
    void aPredeployStillInThePermanentAppJsonIsDokkusOnceThenThePlugins() {
        deployedImage();
        host.deploy(app, Deploy.Origin.EXTRACTED, PLAN);
        host.writeDataFile("app-json", app, "app.json",
                "{\n  // kept by hand\n  \"scripts\": {\"dokku\": {\"predeploy\": \"rake assets:precompile\"}}\n}\n");

        CommandHost.Result result = host.run("doctor", app, "--format", "json");

        JsonNode check = checks(result).get("native-predeploy");
        assertEquals("warning", check.get("verdict").asText());
        assertEquals("Dokku's own runner still finds the predeploy task in scripts.dokku.predeploy of the permanent "
                + "app.json: on the next release without a build (config:set, ps:start) it runs it there, without the "
                + "plugin's lock, timeout or record; the plugin then takes it over (it never runs twice).",
                check.get("finding").asText());
        assertEquals(List.of("predeploy: rake assets:precompile"), texts(check.get("details")));
    }

    @Test
    void aTaskTheDisabledPluginTookAndNeverGaveBackFails() {
        deployedImage();
        host.deploy(app, Deploy.Origin.EXTRACTED, PLAN);
        host.writeProperty(app, "enabled", "false");

        CommandHost.Result result = host.run("doctor", app, "--format", "json");

        assertEquals(1, result.exitCode(), result.toString());
        JsonNode check = checks(result).get("native-predeploy");
        assertEquals("failure", check.get("verdict").asText());
        assertEquals("Neither runner runs the predeploy task of " + app + ": migrate is disabled for it, and Dokku's "
                + "own runner finds no predeploy task in scripts.dokku.predeploy of the permanent app.json, which the "
                + "plugin took it out of.", check.get("finding").asText());
    }

    @Test
    void aPredeployInThePermanentAppJsonIsDokkusWhenMigrateIsDisabled() {
        deployedImage();
        host.writeProperty(app, "enabled", "false");
        host.writeDataFile("app-json", app, "app.json", "{\"scripts\": {\"dokku\": {\"predeploy\": \"./prep\"}}}");

        Map<String, JsonNode> checks = checks(host.run("doctor", app, "--format", "json"));

        assertEquals("ok", checks.get("native-predeploy").get("verdict").asText());
        assertEquals("Dokku's own runner runs the predeploy task from scripts.dokku.predeploy of the permanent app.json "
                + "(migrate is disabled for " + app + ").", checks.get("native-predeploy").get("finding").asText());
        assertEquals("ok", checks.get("plan").get("verdict").asText());
        assertTrue(checks.get("settings").get("finding").asText().startsWith("migrate is disabled for " + app));
    }

    @Test
    void aPropertyEditedByHandToAnInvalidValueFailsTheDoctor() {
        host.writeProperty(app, "timeout", "10m");

        CommandHost.Result result = host.run("doctor", app, "--format", "json");

        assertEquals(1, result.exitCode(), result.toString());
        JsonNode settings = checks(result).get("settings");
        assertEquals("failure", settings.get("verdict").asText());
        assertTrue(texts(settings.get("details")).get(0).contains("is '10m', which is not valid"), settings.toString());
    }

    @Test
    void anUnknownOrBadlyNamedAppOrFormatIsRefused() {
        CommandHost.Result unknown = host.run("doctor", "nope");
        CommandHost.Result shell = host.run("doctor", "x>y");
        CommandHost.Result format = host.run("doctor", app, "--format", "xml");

        assertEquals(" !     App nope does not exist\n", unknown.stderr());
        assertEquals(" !     App name must begin with lowercase alphanumeric character, and may only contain lowercase "
                + "alphanumerics, dots, and hyphens\n", shell.stderr());
        assertEquals(" !     Invalid --format value 'xml': use stdout or json\n", format.stderr());
        assertEquals(List.of(1, 1, 1), List.of(unknown.exitCode(), shell.exitCode(), format.exitCode()));
        assertEquals("", unknown.stdout() + shell.stdout() + format.stdout());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
