package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Notification;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.Receiver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The notify settings through migrate:set and migrate:report, the record in status and doctor, and migrate:notify-test. */
class NotifyCommandsTest {
    private static final String SECRET_URL = "https://hooks.slack.com/services/T0001/B0001/s3cr3tT0k3n";

    @TempDir
    Path dir;
    CommandHost host;

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir).app("shop");
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void settingTheUrlStoresItButShowsOnlyItsSchemeAndHost() throws Exception {
        CommandHost.Result result = host.run("set", "shop", "notify-url", SECRET_URL);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("=====> Setting notify-url to https://hooks.slack.com (the rest of the URL is a secret: never "
                + "shown)\n", result.stdout());
        assertEquals("", result.stderr());
        assertEquals(SECRET_URL, Files.readString(host.config().resolve("migrate/shop/notify-url")));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(host.config().resolve("migrate/shop/notify-url"))));
    }

    @Test
    void aUrlGivenAsADashIsTheFirstLineOfStdin() {
        assertEquals(SECRET_URL, SetCommand.firstLine(new ByteArrayInputStream((SECRET_URL + "\nrest\n")
                .getBytes(StandardCharsets.UTF_8))));
        UsageError empty = assertThrows(UsageError.class,
                () -> SetCommand.firstLine(new ByteArrayInputStream("\n".getBytes(StandardCharsets.UTF_8))));
        assertTrue(empty.getMessage().startsWith("No value on stdin"), empty.getMessage());
    }

    @Test
    void theReportShowsOnlyTheSchemeAndHostInEveryRowAndInJson() {
        host.run("set", "shop", "notify-url", SECRET_URL);
        host.run("set", "--global", "notify-url", "https://chat.example.com/hooks/gl0balT0ken");

        CommandHost.Result text = host.run("report", "shop");
        CommandHost.Result json = host.run("report", "shop", "--format", "json");
        CommandHost.Result flag = host.run("report", "shop", "--migrate-computed-notify-url");
        CommandHost.Result global = host.run("report", "--global");

        assertTrue(text.stdout().contains("       Migrate notify url:                 https://hooks.slack.com\n"),
                text.stdout());
        assertTrue(text.stdout().contains("       Migrate global notify url:          https://chat.example.com\n"),
                text.stdout());
        assertEquals("https://hooks.slack.com", json.json().get("computed-notify-url").asText());
        assertEquals("https://hooks.slack.com\n", flag.stdout());
        for (CommandHost.Result result : List.of(text, json, flag, global)) {
            assertFalse(result.stdout().contains("s3cr3t") || result.stdout().contains("gl0bal"), result.stdout());
        }
    }

    @Test
    void plainHttpToAnotherHostIsSetWithAWarning() {
        CommandHost.Result result = host.run("set", "shop", "notify-url", "http://chat.example.com/hooks/s3cr3t");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stderr().startsWith(" !     notify-url uses http:// to http://chat.example.com, which is not "
                + "this machine"), result.stderr());
        assertFalse(result.stdout().contains("s3cr3t") || result.stderr().contains("s3cr3t"), result.toString());
        assertEquals("", host.run("set", "shop", "notify-url", "http://127.0.0.1:9000/hook").stderr());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "notify-url ; ftp://example.com/s3cr3t ; Invalid value for notify-url: its scheme must be http or https. "
                    + "Valid values: an http:// or https:// URL with a host",
            "notify-url ; https://exa mple.com/s3cr3t ; Invalid value for notify-url: it holds a space",
            "notify-on ; sometimes ; Invalid value for notify-on: 'sometimes'. Valid values: failure, always or never",
            "notify-lines ; 5000 ; Invalid value for notify-lines: '5000'. Valid values: a whole number of lines from 0 "
                    + "to 1000",
            "notify-lines ; -1 ; Invalid value for notify-lines: '-1'.",
    })
    void aBadValueIsRefusedWithTheAllowedValuesAndNothingIsWritten(String key, String value, String message) {
        CommandHost.Result result = host.run("set", "shop", key, value);

        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().startsWith(" !     " + message), result.stderr());
        assertFalse(result.stderr().contains("s3cr3t"), "a refused URL is not quoted: " + result.stderr());
        assertEquals(List.of(), host.propertyFiles());
    }

    @Test
    void statusJsonAndDoctorShowHowTheNoticeOfARunWent() {
        host.run("set", "shop", "notify-url", SECRET_URL);
        Deploy deploy = host.deploy("shop", Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "bin/migrate")));
        TaskRun run = host.completedRun(deploy, Phase.RELEASE, RunState.FAILED, 1,
                "boom\n".getBytes(StandardCharsets.UTF_8));
        host.ledger().recordNotification(new Notification(run.id(), "https://hooks.slack.com", 3, false,
                Optional.of(500), "HTTP 500", CommandHost.T0));

        JsonNode notice = host.run("status", "shop", "--format", "json").json().get("latest_deploy").get("runs").get(0)
                .get("notification");
        CommandHost.Result doctor = host.run("doctor", "shop", "--format", "json");

        assertEquals("https://hooks.slack.com", notice.get("target").asText());
        assertFalse(notice.get("delivered").asBoolean());
        assertEquals(3, notice.get("attempts").asInt());
        assertEquals(500, notice.get("last_status").asInt());
        assertEquals("HTTP 500", notice.get("last_error").asText());
        assertEquals(CommandHost.T0.toString(), notice.get("at").asText());
        JsonNode check = null;
        for (JsonNode c : doctor.json().get("checks")) {
            if (c.get("id").asText().equals("notifications")) {
                check = c;
            }
        }
        assertEquals("warning", check.get("verdict").asText(), check.toString());
        assertEquals("The last notice (run #" + run.id() + ", " + CommandHost.T0 + ", to https://hooks.slack.com) was "
                + "not delivered.", check.get("finding").asText());
        assertEquals("Check the endpoint and the URL, then send a sample: dokku migrate:notify-test shop",
                check.get("next_step").asText());
        assertFalse(doctor.stdout().contains("s3cr3t"), doctor.stdout());
    }

    @Test
    void aRunWithoutANoticeHasANullNotificationInStatusJson() {
        Deploy deploy = host.deploy("shop", Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "bin/migrate")));
        host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, "ok\n".getBytes(StandardCharsets.UTF_8));

        JsonNode run = host.run("status", "shop", "--format", "json").json().get("latest_deploy").get("runs").get(0);

        assertTrue(run.has("notification"));
        assertTrue(run.get("notification").isNull());
    }

    @Test
    void notifyTestSendsASampleMarkedAsATestAndSaysWhatTheEndpointAnswered() {
        try (Receiver receiver = Receiver.answering(200)) {
            host.run("set", "shop", "notify-url", receiver.url("/hooks/s3cr3t"));
            host.run("set", "shop", "notify-on", "never");

            CommandHost.Result result = host.run("notify-test", "shop");

            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("-----> Test notice for shop sent to http://127.0.0.1\n"
                    + "       The endpoint answered HTTP 200, answer: ok\n", result.stdout());
            assertEquals(1, receiver.requests().size(), "sent whatever notify-on says");
            JsonNode json = receiver.requests().get(0).json();
            assertTrue(json.get("test").asBoolean());
            assertEquals("shop", json.get("app").asText());
            assertTrue(json.get("text").asText().startsWith("[test] release task of shop failed (exit 1) on "),
                    json.get("text").asText());
            assertEquals("notify-test", host.ledger().events("shop", 1).get(0).kind());
            assertEquals("http://127.0.0.1: HTTP 200", host.ledger().events("shop", 1).get(0).detail());
        }
    }

    @Test
    void notifyTestFailsWhenTheEndpointRefusesTheNotice() {
        try (Receiver receiver = Receiver.answering(403)) {
            host.run("set", "shop", "notify-url", receiver.url("/hooks/s3cr3t"));

            CommandHost.Result result = host.run("notify-test", "shop");

            assertEquals(1, result.exitCode(), result.toString());
            assertTrue(result.stderr().startsWith(" !     Test notice for shop to http://127.0.0.1 not delivered: HTTP 403,"
                    + " answer: no\n"), result.stderr());
            assertFalse(result.stderr().contains("s3cr3t"), result.stderr());
        }
    }

    @Test
    void notifyTestWithoutAUrlSaysHowToSetOne() {
        CommandHost.Result result = host.run("notify-test", "shop");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(" !     No notify-url is set for shop (nor globally), so there is nowhere to send a notice. Set one "
                + "with: dokku migrate:set shop notify-url URL\n", result.stderr());
    }

    @Test
    void aRunThatUnlockMarksInterruptedIsNotifiedAsEnded() {
        try (Receiver receiver = Receiver.answering(200)) {
            host.run("set", "shop", "notify-url", receiver.url("/hook"));
            Deploy deploy = host.deploy("shop", Deploy.Origin.EXTRACTED, Plan.of(new Task(Phase.RELEASE, "bin/migrate")));
            TaskRun stale = host.claim(deploy, Phase.RELEASE, CommandHost.deadPid());

            CommandHost.Result result = host.run("unlock", "shop");

            assertEquals(0, result.exitCode(), result.toString());
            assertEquals(1, receiver.requests().size());
            JsonNode json = receiver.requests().get(0).json();
            assertEquals("interrupted", json.get("state").asText());
            assertEquals(stale.id(), json.get("run_id").asLong());
            assertTrue(host.ledger().notification(stale.id()).orElseThrow().delivered());
        }
    }
}
