package dokkumigrate.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PayloadTest {
    private static final Instant START = Instant.parse("2026-11-25T13:21:28Z");
    private static final Deploy DEPLOY = new Deploy(12, "shop", new DeployKey(5251, "x"), Deploy.Origin.EXTRACTED,
            "source=git-hook rev=abc", "", START, Optional.empty());

    static TaskRun run(RunState state, Optional<Integer> exit, long millis, String detail) {
        return new TaskRun(34, 12, "shop", Phase.RELEASE, "bin/rails db:migrate", state, 1, exit, Optional.of(START),
                Optional.of(START.plusMillis(millis)), "dokku/shop:latest", "sha256:abc", "c0ffee", "dokku-host", 9123,
                "34.log", detail);
    }

    private static Payload.Output output(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new Payload.Output(bytes, bytes.length);
    }

    @Test
    void aFailedRunCarriesEveryDocumentedFieldAndAReadableText() {
        Map<String, Object> json = Payload.of(DEPLOY, run(RunState.FAILED, Optional.of(1), 4200, "exited with code 1"),
                output("== AddUsers: migrating ==\nPG::UndefinedTable: relation \"users\" does not exist\n"),
                SecretMask.NONE, 20, false);

        assertEquals(List.of("app", "phase", "source", "command", "state", "exit_code", "duration_ms", "run_id",
                "deploy_id", "origin", "trigger", "image", "image_id", "host", "started_at", "finished_at", "detail",
                "output_tail", "test", "text"), new ArrayList<>(json.keySet()));
        assertEquals("shop", json.get("app"));
        assertEquals("release", json.get("phase"));
        assertEquals("Procfile", json.get("source"));
        assertEquals("bin/rails db:migrate", json.get("command"));
        assertEquals("failed", json.get("state"));
        assertEquals(1, json.get("exit_code"));
        assertEquals(4200L, json.get("duration_ms"));
        assertEquals(34L, json.get("run_id"));
        assertEquals(12L, json.get("deploy_id"));
        assertEquals("extracted", json.get("origin"));
        assertEquals("source=git-hook rev=abc", json.get("trigger"));
        assertEquals("dokku/shop:latest", json.get("image"));
        assertEquals("sha256:abc", json.get("image_id"));
        assertEquals("dokku-host", json.get("host"));
        assertEquals("2026-11-25T13:21:28Z", json.get("started_at"));
        assertEquals("2026-11-25T13:21:32.200Z", json.get("finished_at"));
        assertEquals("== AddUsers: migrating ==\nPG::UndefinedTable: relation \"users\" does not exist",
                json.get("output_tail"));
        assertEquals(false, json.get("test"));
        assertEquals("release task of shop failed (exit 1) on dokku-host, deploy #12: PG::UndefinedTable: relation "
                + "\"users\" does not exist", json.get("text"));
    }

    @Test
    void aTimedOutRunHasNoExitCodeAndSaysHowLongItRan() {
        Map<String, Object> json = Payload.of(DEPLOY, run(RunState.TIMED_OUT, Optional.empty(), 600_400,
                "ran past the timeout of 600s; container killed"), output("waiting for lock\n"), SecretMask.NONE, 20,
                false);

        assertEquals("timed_out", json.get("state"));
        assertEquals(null, json.get("exit_code"));
        assertEquals("release task of shop timed out after 600s on dokku-host, deploy #12: waiting for lock",
                json.get("text"));
    }

    @Test
    void aSucceededRunSaysHowLongItTookAndQuotesNoOutputInItsText() {
        Map<String, Object> json = Payload.of(DEPLOY, run(RunState.SUCCEEDED, Optional.of(0), 4200, ""),
                output("migrated\n"), SecretMask.NONE, 20, false);

        assertEquals("release task of shop succeeded in 4.2s on dokku-host, deploy #12", json.get("text"));
        assertEquals("migrated", json.get("output_tail"));
    }

    @Test
    void anInterruptedRunWithoutOutputGivesItsDetail() {
        Map<String, Object> json = Payload.of(DEPLOY, run(RunState.INTERRUPTED, Optional.empty(), 1000,
                "helper 9123 on dokku-host stopped while the task ran"), Payload.Output.NONE, SecretMask.NONE, 20, false);

        assertEquals("release task of shop was interrupted on dokku-host, deploy #12: helper 9123 on dokku-host "
                + "stopped while the task ran", json.get("text"));
        assertEquals("", json.get("output_tail"));
    }

    @Test
    void onlyTheLastLinesAreSentAndZeroSendsNone() {
        TaskRun failed = run(RunState.FAILED, Optional.of(2), 10, "exited with code 2");
        Payload.Output ten = output("1\n2\n3\n4\n5\n6\n7\n8\n9\nlast\n");

        assertEquals("8\n9\nlast", Payload.of(DEPLOY, failed, ten, SecretMask.NONE, 3, false).get("output_tail"));
        Map<String, Object> none = Payload.of(DEPLOY, failed, ten, SecretMask.NONE, 0, false);
        assertEquals("", none.get("output_tail"));
        assertEquals("release task of shop failed (exit 2) on dokku-host, deploy #12: exited with code 2",
                none.get("text"), "with no output sent, the text quotes none either");
    }

    @Test
    void controlCharactersAreEscapedAsMigrateStatusEscapesThem() {
        Map<String, Object> json = Payload.of(DEPLOY, run(RunState.FAILED, Optional.of(1), 10, ""),
                output("\u001b[31mred\u001b[0m\rover\u0007\n"), SecretMask.NONE, 20, false);

        assertEquals("\\e[31mred\\e[0m\\rover\\x07", json.get("output_tail"));
        assertTrue(json.get("text").toString().endsWith(": \\e[31mred\\e[0m\\rover\\x07"), json.get("text").toString());
    }

    @Test
    void everyConfigValueOfFourCharactersOrMoreIsMaskedInTheOutputCommandAndText() {
        SecretMask mask = SecretMask.of(List.of("postgres://app:hunter2@db:5432/shop", "hunter2", "s3cr3t-t0ken",
                "on", "abc"));
        TaskRun failed = new TaskRun(34, 12, "shop", Phase.RELEASE, "migrate --token s3cr3t-t0ken", RunState.FAILED, 1,
                Optional.of(1), Optional.of(START), Optional.of(START), "dokku/shop:latest", "", "", "dokku-host", 1, "",
                "exited with code 1");

        Map<String, Object> json = Payload.of(DEPLOY, failed, output("connecting to postgres://app:hunter2@db:5432/shop\n"
                + "password hunter2 rejected; mode on, abc\n"), mask, 20, false);

        String tail = json.get("output_tail").toString();
        assertEquals("connecting to [masked]\npassword [masked] rejected; mode on, abc", tail);
        assertEquals("migrate --token [masked]", json.get("command"));
        assertFalse(json.toString().contains("hunter2"), json.toString());
        assertFalse(json.toString().contains("s3cr3t"), json.toString());
    }

    @Test
    void aTailThatStartsInsideALineDropsThatLineSoNoPartOfAValueShows() {
        byte[] tail = "ret-value-end\nnext line\n".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> json = Payload.of(DEPLOY, run(RunState.FAILED, Optional.of(1), 10, ""),
                new Payload.Output(tail, tail.length + 100), SecretMask.of(List.of("a-secret-value-end")), 20, false);

        assertEquals("next line", json.get("output_tail"));
    }

    @Test
    void aTestNoticeIsMarkedInItsFieldsAndText() {
        Map<String, Object> json = Payload.of(DEPLOY, run(RunState.FAILED, Optional.of(1), 10, ""), output("x\n"),
                SecretMask.NONE, 20, true);

        assertEquals(true, json.get("test"));
        assertTrue(json.get("text").toString().startsWith("[test] release task of shop failed"), json.get("text").toString());
    }
}
