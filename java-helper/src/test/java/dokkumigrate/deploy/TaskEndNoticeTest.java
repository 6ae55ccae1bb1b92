package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dokkumigrate.adapters.dokku.PropertyFileStore;
import dokkumigrate.adapters.http.JdkWebhookSender;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.Notification;
import dokkumigrate.notify.Payload;
import dokkumigrate.notify.WebhookDelivery;
import dokkumigrate.output.Console;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.Setting;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import dokkumigrate.testsupport.Receiver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The notice of a run's end: a real ledger file, a real HTTP server on loopback, Dokku's triggers stood in. */
class TaskEndNoticeTest {
    private static final Instant T0 = Instant.parse("2026-11-25T13:21:28Z");

    @TempDir
    Path dir;

    private SqliteLedger ledger;
    private PropertyFileStore properties;
    private FakeDokku dokku;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private long nextPid = 7000;

    @BeforeEach
    void setUp() {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
        properties = new PropertyFileStore(dir.resolve("config"));
        dokku = new FakeDokku("dokku/shop:latest");
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    private TaskEndNotice notice() {
        return new TaskEndNotice(properties, ledger, dokku, new Console(out, err, false),
                new WebhookDelivery(new JdkWebhookSender()), Clock.systemUTC());
    }

    /** A deploy of shop whose release task ran and ended in {@code state}, as DeployTasks records it. */
    private Ended ended(RunState state, Integer exitCode, String output) {
        Deploy deploy = ledger.recordPlan("shop", new DeployKey(nextPid++, "t"), Deploy.Origin.EXTRACTED, "rev=abc", "",
                Plan.of(new Task(Phase.RELEASE, "bin/migrate")));
        TaskRun claimed = ledger.claim(deploy.id(), Phase.RELEASE, new Ledger.RunClaim("dokku/shop:latest",
                "sha256:abc", "dokku-host", 4242, T0));
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        String detail = switch (state) {
            case SUCCEEDED -> "";
            case TIMED_OUT -> "ran past the timeout of 3s; container killed";
            default -> "exited with code " + exitCode;
        };
        TaskRun run = ledger.finish(claimed.id(), new RunOutcome(state, Optional.ofNullable(exitCode), bytes, bytes.length, detail),
                T0.plusMillis(1500));
        return new Ended(deploy, run, new Payload.Output(bytes, bytes.length));
    }

    private record Ended(Deploy deploy, TaskRun run, Payload.Output output) { }

    private void set(String key, String value) {
        new SettingsUpdate(properties).apply(Optional.of("shop"), key, value);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({
            "failure, failed,    1,  true",
            "failure, timed_out,   , true",
            "failure, succeeded, 0,  false",
            "always,  failed,    1,  true",
            "always,  timed_out,   , true",
            "always,  succeeded, 0,  true",
            "never,   failed,    1,  false",
            "never,   timed_out,   , false",
            "never,   succeeded, 0,  false",
    })
    void notifyOnDecidesWhichRunsArePostedAndEachPostIsRecorded(String notifyOn, String state, Integer exit,
                                                                boolean posted) {
        try (Receiver receiver = Receiver.answering(200)) {
            set("notify-url", receiver.url("/services/T0/B0/s3cr3t"));
            set("notify-on", notifyOn);
            Ended ended = ended(RunState.parse(state), exit, "step 1\nstep 2\n");

            notice().ended(ended.deploy(), ended.run(), ended.output());

            assertEquals(posted ? 1 : 0, receiver.requests().size());
            Optional<Notification> record = ledger.notification(ended.run().id());
            assertEquals(posted, record.isPresent());
            if (posted) {
                JsonNode json = receiver.requests().get(0).json();
                assertEquals("shop", json.get("app").asText());
                assertEquals(state, json.get("state").asText());
                assertEquals(ended.run().id(), json.get("run_id").asLong());
                assertEquals(ended.deploy().id(), json.get("deploy_id").asLong());
                assertEquals(exit == null, json.get("exit_code").isNull());
                assertEquals("step 1\nstep 2", json.get("output_tail").asText());
                assertEquals(false, json.get("test").asBoolean());
                String expectedText = switch (state) {
                    case "failed" -> "release task of shop failed (exit 1) on dokku-host, deploy #"
                            + ended.deploy().id() + ": step 2";
                    case "timed_out" -> "release task of shop timed out after 2s on dokku-host, deploy #"
                            + ended.deploy().id() + ": step 2";
                    default -> "release task of shop succeeded in 1.5s on dokku-host, deploy #" + ended.deploy().id();
                };
                assertEquals(expectedText, json.get("text").asText());
                Notification n = record.get();
                assertTrue(n.delivered());
                assertEquals(1, n.attempts());
                assertEquals(Optional.of(200), n.lastStatus());
                assertEquals("http://127.0.0.1", n.target());
                assertTrue(stdout().contains("       Notice of run #" + ended.run().id() + " sent to http://127.0.0.1: "
                        + "HTTP 200"), stdout());
            }
            assertEquals(List.of("shop release " + state + " " + ended.run().id()), dokku.postMigrateTasks,
                    "the trigger fires for every run, whatever notify-on says");
            assertFalse(stdout().contains("s3cr3t") || stderr().contains("s3cr3t"), stdout() + stderr());
        }
    }

    @Test
    void aConfigValueTheTaskPrintedIsMaskedInTheNotice() {
        try (Receiver receiver = Receiver.answering(200)) {
            set("notify-url", receiver.url("/hook"));
            dokku.config.put("DATABASE_URL", "postgres://shop:hunter22@db/shop");
            dokku.config.put("DEBUG", "1");
            Ended ended = ended(RunState.FAILED, 1, "connecting to postgres://shop:hunter22@db/shop\nDEBUG=1\n");

            notice().ended(ended.deploy(), ended.run(), ended.output());

            String body = new String(receiver.requests().get(0).body(), StandardCharsets.UTF_8);
            assertFalse(body.contains("hunter22"), body);
            assertEquals("connecting to [masked]\nDEBUG=1", receiver.requests().get(0).json().get("output_tail").asText());
        }
    }

    @Test
    void anUndeliveredNoticeIsRecordedAndWarnedAboutAndNeverThrows() {
        try (Receiver receiver = Receiver.answering(500)) {
            set("notify-url", receiver.url("/hook"));
            Ended ended = ended(RunState.FAILED, 1, "boom\n");

            notice().ended(ended.deploy(), ended.run(), ended.output());

            Notification n = ledger.notification(ended.run().id()).orElseThrow();
            assertFalse(n.delivered());
            assertEquals(3, n.attempts());
            assertEquals(Optional.of(500), n.lastStatus());
            assertEquals("HTTP 500", n.lastError());
            assertTrue(stderr().contains(" !     Notice of run #" + ended.run().id() + " to http://127.0.0.1 not "
                    + "delivered: HTTP 500 after 3 attempts."), stderr());
            assertEquals(1, dokku.postMigrateTasks.size());
        }
    }

    @Test
    void theTriggersOutputIsShownIndentedAndItsExitCodeIgnored() {
        dokku.postMigrateTaskAnswer = new Platform.TriggerResult(3, "receiver: got it\n\u001b[2Jcleared\n");
        Ended ended = ended(RunState.SUCCEEDED, 0, "ok\n");

        notice().ended(ended.deploy(), ended.run(), ended.output());

        assertEquals("       receiver: got it\n       \\e[2Jcleared\n       post-migrate-task trigger exited 3 "
                + "(ignored)\n", stdout());
        assertEquals("", stderr());
    }

    @Test
    void eachRunIsToldOfOnceEvenWhenASignalHandlerReportsItToo() {
        try (Receiver receiver = Receiver.answering(200)) {
            set("notify-url", receiver.url("/hook"));
            Ended ended = ended(RunState.FAILED, 1, "boom\n");
            TaskEndNotice notice = notice();

            notice.ended(ended.deploy(), ended.run(), ended.output());
            notice.ended(ended.run().id());

            assertEquals(1, receiver.requests().size());
            assertEquals(1, dokku.postMigrateTasks.size());
        }
    }

    @Test
    void aNotifyPropertyEditedByHandIntoSomethingInvalidIsReportedAndTheTriggerStillFires() throws Exception {
        Path file = dir.resolve("config/migrate/shop/" + Setting.NOTIFY_ON.key());
        Files.createDirectories(file.getParent());
        Files.writeString(file, "sometimes");
        Ended ended = ended(RunState.FAILED, 1, "boom\n");

        notice().ended(ended.deploy(), ended.run(), ended.output());

        assertTrue(stderr().contains("No notice of run #" + ended.run().id() + " of shop was sent: The migrate property "
                + "notify-on in force for shop is 'sometimes', which is not valid"), stderr());
        assertEquals(1, dokku.postMigrateTasks.size());
    }

    @Test
    void whenTheConfigCannotBeReadTheNoticeGoesWithoutOutput() {
        try (Receiver receiver = Receiver.answering(200)) {
            set("notify-url", receiver.url("/hook"));
            FakeDokku broken = new FakeDokku("dokku/shop:latest") {
                @Override
                public java.util.Map<String, String> configEnv(String app) {
                    throw new IllegalStateException("config-export failed");
                }
            };
            Ended ended = ended(RunState.FAILED, 1, "secret-in-output\n");

            new TaskEndNotice(properties, ledger, broken, new Console(out, err, false),
                    new WebhookDelivery(new JdkWebhookSender()), Clock.systemUTC())
                    .ended(ended.deploy(), ended.run(), ended.output());

            JsonNode json = receiver.requests().get(0).json();
            assertEquals("", json.get("output_tail").asText());
            assertFalse(json.get("text").asText().contains("secret-in-output"), json.get("text").asText());
            assertTrue(stderr().contains("could not be read to mask the notice"), stderr());
        }
    }
}
