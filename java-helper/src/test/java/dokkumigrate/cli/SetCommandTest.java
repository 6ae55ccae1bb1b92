package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.Setting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SetCommandTest {
    private static final String VALID_KEYS = "enabled, timeout, lock-group, lock-by, scaled-migrations, output-limit, "
            + "keep-runs, notify-url, notify-on, notify-lines, ledger-url";

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
    void settingAValueWritesTheAppsPropertyAndSaysSoAsCorePluginsDo() throws Exception {
        CommandHost.Result result = host.run("set", "web", "timeout", "600");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("=====> Setting timeout to 600\n", result.stdout());
        assertEquals("", result.stderr());
        assertEquals("600", Files.readString(host.config().resolve("migrate/web/timeout")));
        assertEquals("600\n", host.run("report", "web", "--migrate-computed-timeout").stdout());
    }

    @Test
    void anEmptyOrMissingValueUnsetsSoTheGlobalValueOrTheDefaultApplies() {
        host.run("set", "--global", "timeout", "900");
        host.run("set", "web", "timeout", "600");

        CommandHost.Result empty = host.run("set", "web", "timeout", "");
        assertEquals(0, empty.exitCode(), empty.toString());
        assertEquals("=====> Unsetting timeout\n", empty.stdout());
        assertEquals("900\n", host.run("report", "web", "--migrate-computed-timeout").stdout());

        CommandHost.Result missing = host.run("set", "--global", "timeout");
        assertEquals(0, missing.exitCode(), missing.toString());
        assertEquals("=====> Unsetting timeout\n", missing.stdout());
        assertEquals("3600\n", host.run("report", "web", "--migrate-computed-timeout").stdout());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void globalValuesGoToDokkusGlobalScope() throws Exception {
        CommandHost.Result result = host.run("set", "--global", "scaled-migrations", "fail");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("=====> Setting scaled-migrations to fail\n", result.stdout());
        assertEquals("fail", Files.readString(host.config().resolve("migrate/--global/scaled-migrations")));
    }

    @Test
    void everyKeyTakesAValidValue() {
        for (String[] pair : new String[][] {{"enabled", "false"}, {"timeout", "1"}, {"lock-group", "main-db.1"},
                {"scaled-migrations", "ignore"}, {"output-limit", "67108864"}, {"keep-runs", "5"}}) {
            CommandHost.Result result = host.run("set", "web", pair[0], pair[1]);
            assertEquals(0, result.exitCode(), result.toString());
        }
        assertEquals(List.of("migrate/web/enabled", "migrate/web/keep-runs", "migrate/web/lock-group",
                "migrate/web/output-limit", "migrate/web/scaled-migrations", "migrate/web/timeout"), host.propertyFiles());
    }

    @Test
    void quietOutputSilencesTheMessageNotTheChange() {
        host.env.put("DOKKU_QUIET_OUTPUT", "1");

        CommandHost.Result result = host.run("set", "web", "keep-runs", "50");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertEquals(List.of("migrate/web/keep-runs"), host.propertyFiles());
    }

    @Test
    void anUnknownKeyIsRefusedWithTheValidKeysAndNothingIsWritten() {
        CommandHost.Result result = host.run("set", "web", "colour", "blue");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertEquals(" !     Invalid key specified ('colour'), valid keys include: " + VALID_KEYS + "\n", result.stderr());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void aMissingKeyIsRefusedWithTheValidKeys() {
        CommandHost.Result app = host.run("set", "web");
        CommandHost.Result global = host.run("set", "--global");

        assertEquals(" !     No key specified, valid keys include: " + VALID_KEYS + "\n", app.stderr());
        assertEquals(" !     No key specified, valid keys include: " + VALID_KEYS + "\n", global.stderr());
        assertEquals(1, app.exitCode());
        assertEquals(1, global.exitCode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "enabled           | yes     | true or false",
            "enabled           | TRUE    | true or false",
            "timeout           | 0       | a whole number of seconds from 1 to 2147483647",
            "timeout           | -5      | a whole number of seconds from 1 to 2147483647",
            "timeout           | 10m     | a whole number of seconds from 1 to 2147483647",
            "timeout           | 2147483648 | a whole number of seconds from 1 to 2147483647",
            "lock-group        | Main    | a name of up to 63 lowercase letters, digits, '.', '_' and '-', starting with a letter or digit",
            "lock-group        | a/b     | a name of up to 63 lowercase letters, digits, '.', '_' and '-', starting with a letter or digit",
            "scaled-migrations | error   | warn, fail or ignore",
            "output-limit      | 1.5     | a whole number of bytes from 1 to 67108864",
            "output-limit      | 67108865 | a whole number of bytes from 1 to 67108864",
            "keep-runs         | all     | a whole number of runs from 1 to 2147483647",
    })
    void anInvalidValueIsRefusedWithTheAcceptedValuesAndNothingIsWritten(String key, String value, String accepted) {
        host.writeProperty("web", key, Setting.byKey(key).orElseThrow().defaultValue().isEmpty() ? "x" : "1");
        List<String> before = host.propertyFiles();

        CommandHost.Result app = host.run("set", "web", key, value);
        CommandHost.Result global = host.run("set", "--global", key, value);

        for (CommandHost.Result result : List.of(app, global)) {
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout());
            assertEquals(" !     Invalid value for " + key + ": '" + value + "'. Valid values: " + accepted
                    + ", or an empty value to unset it\n", result.stderr());
        }
        assertEquals(before, host.propertyFiles());
    }

    @Test
    void controlCharactersInARefusedValueAreShownEscaped() {
        CommandHost.Result result = host.run("set", "web", "lock-group", "db\u001b[2J");

        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().contains("'db\\e[2J'"), result.stderr());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void anUnknownOrBadlyNamedAppIsRefusedAndNothingIsWritten() {
        CommandHost.Result unknown = host.run("set", "nope", "timeout", "5");
        CommandHost.Result shell = host.run("set", "$(reboot)", "timeout", "5");
        CommandHost.Result none = host.run("set");

        assertEquals(" !     App nope does not exist\n", unknown.stderr());
        assertEquals(" !     App name must begin with lowercase alphanumeric character, and may only contain lowercase "
                + "alphanumerics, dots, and hyphens\n", shell.stderr());
        assertEquals(" !     Please specify an app to run the command on\n", none.stderr());
        for (CommandHost.Result result : List.of(unknown, shell, none)) {
            assertEquals(1, result.exitCode(), result.toString());
        }
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void tooManyArgumentsOrAnUnknownFlagAreRefusedAndNothingIsWritten() {
        CommandHost.Result extra = host.run("set", "web", "timeout", "5", "6");
        CommandHost.Result flag = host.run("set", "web", "timeout", "5", "--bogus");

        assertEquals(1, extra.exitCode(), extra.toString());
        assertEquals(" !     Too many arguments: migrate:set APP KEY [VALUE] (quote a value that holds spaces)\n",
                extra.stderr());
        assertEquals(2, flag.exitCode(), flag.toString());
        assertEquals(" !     Unknown option: '--bogus'\n !     See: dokku migrate:help\n", flag.stderr());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void enabledFalseHandsTheTasksBackAndTrueSaysWhenThePluginTakesThemAgain() throws Exception {
        host.app("api");
        Deploy build = host.deploy("web", Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "rake db:migrate")));
        host.ledger().recordTakenCopies(build.id(), List.of(new TakenCopy(Phase.Source.PROCFILE,
                Optional.of("web: x\nrelease: rake db:migrate\n".getBytes(StandardCharsets.UTF_8)),
                Optional.of("web: x\n".getBytes(StandardCharsets.UTF_8)))));
        host.writeDataFile("ps", "web", "Procfile", "web: x\n");
        Path procfile = host.libRoot.resolve("data/ps/web/Procfile");

        CommandHost.Result disabled = host.run("set", "--global", "enabled", "false");

        assertEquals(0, disabled.exitCode(), disabled.toString());
        assertEquals("=====> Setting enabled to false\n"
                + "-----> Handing the deployment tasks of web back to Dokku (migrate:set --global enabled false)\n"
                + "       release entry put back into " + procfile + "\n"
                + "       Dokku's own runner runs them from the next release (git push, ps:rebuild, config:set, ps:start)\n",
                disabled.stdout());
        assertEquals("web: x\nrelease: rake db:migrate\n", Files.readString(procfile));

        CommandHost.Result enabled = host.run("set", "web", "enabled", "true");

        assertEquals(0, enabled.exitCode(), enabled.toString());
        assertTrue(enabled.stdout().contains("-----> migrate takes the deployment tasks of web over again at its next "
                + "release\n"), enabled.stdout());
        assertEquals("web: x\nrelease: rake db:migrate\n", Files.readString(procfile), "taken at the next release");
        assertFalse(enabled.stdout().contains(" api "), "api stays disabled by the global value: " + enabled.stdout());
    }
}
