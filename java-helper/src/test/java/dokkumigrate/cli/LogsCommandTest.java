package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsCommandTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "rake db:migrate"),
            new Task(Phase.PREDEPLOY, "rake assets:precompile"));

    @TempDir
    Path dir;
    CommandHost host;
    Deploy deploy;

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir).app("web").app("api");
        deploy = host.deploy("web", Deploy.Origin.EXTRACTED, PLAN);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theLatestRunsWholeOutputIsPrintedByteForByte() {
        host.completedRun(deploy, Phase.PREDEPLOY, RunState.SUCCEEDED, 0, bytes("compiled\n"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        output.writeBytes(bytes("== migrating ==\n\u001b[32mcolour\u001b[0m\r\n"));
        output.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 0, '\n'});
        output.writeBytes(bytes("no newline at the end"));
        host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, output.toByteArray());

        CommandHost.Result result = host.run("logs", "web");

        assertEquals(0, result.exitCode(), result.toString());
        assertArrayEquals(output.toByteArray(), result.stdoutBytes());
        assertEquals("", result.stderr());
    }

    @Test
    void aRunIsChosenByItsNumberWithOrWithoutTheHash() {
        TaskRun first = host.completedRun(deploy, Phase.PREDEPLOY, RunState.SUCCEEDED, 0, bytes("first\n"));
        host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, bytes("second\n"));

        assertEquals("first\n", host.run("logs", "web", Long.toString(first.id())).stdout());
        assertEquals("first\n", host.run("logs", "web", "#" + first.id()).stdout());
    }

    @Test
    void tailShowsTheLastLines() {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100_000; i++) {
            text.append("line ").append(i).append('\n');
        }
        TaskRun run = host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, bytes(text.toString()));

        assertEquals("line 99998\nline 99999\nline 100000\n",
                host.run("logs", "web", Long.toString(run.id()), "--tail", "3").stdout());
        assertEquals("line 100000\n", host.run("logs", "web", "--tail", "1").stdout());
        assertEquals(text.toString(), host.run("logs", "web", "--tail", "1000000").stdout());
    }

    @Test
    void tailCountsAFinalLineWithoutNewline() {
        host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, bytes("a\nb\nc"));

        assertEquals("b\nc", host.run("logs", "web", "--tail", "2").stdout());
    }

    @Test
    void whenTheLogFileIsGoneTheLedgersCompleteCopyIsShownAndSaidSo() throws Exception {
        TaskRun run = host.completedRun(deploy, Phase.RELEASE, RunState.FAILED, 3, bytes("PG::UndefinedTable\n"));
        Path log = host.logDir().resolve("web").resolve(run.id() + ".log");
        Files.delete(log);

        CommandHost.Result result = host.run("logs", "web");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("PG::UndefinedTable\n", result.stdout());
        assertEquals(" !     The log file of run #" + run.id() + " (release, failed) is gone (pruned or removed): " + log
                + ".\n !     Showing the copy kept in the ledger, which is complete (19 bytes).\n", result.stderr());
    }

    @Test
    void whenTheLogFileIsGoneAndTheLedgerKeptOnlyATailItSaysHowMuchWasKept() throws Exception {
        TaskRun claimed = host.claim(deploy, Phase.RELEASE, 4242);
        byte[] output = bytes("0123456789".repeat(10) + "the end\n");
        host.finish(claimed, RunState.SUCCEEDED, 0, output, 20);
        Path log = host.logDir().resolve("web").resolve(claimed.id() + ".log");

        CommandHost.Result result = host.run("logs", "web", "--tail", "1");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("890123456789the end\n", result.stdout());
        assertEquals(" !     The log file of run #" + claimed.id() + " (release, succeeded) is gone (pruned or removed): "
                + log + ".\n !     Only the last 20 bytes of its 108 bytes of output were kept in the ledger "
                + "(output-limit); the start is lost. Those last bytes follow.\n", result.stderr());
        assertEquals("890123456789the end\n", host.run("logs", "web").stdout());
    }

    @Test
    void aRunStillRunningShowsItsOutputSoFar() {
        TaskRun run = host.claim(deploy, Phase.RELEASE, 4242);
        host.writeLog(run, bytes("migrating...\n"));

        CommandHost.Result result = host.run("logs", "web");

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("migrating...\n", result.stdout());
        assertEquals(" !     Run #" + run.id() + " of web is still running: this is its output so far.\n",
                result.stderr());
    }

    @Test
    void anInterruptedRunWhoseLogIsGoneHasNoOutputLeftAndSaysSo() {
        TaskRun run = host.claim(deploy, Phase.RELEASE, 4242);
        host.ledger().markInterrupted(run.id(), "helper stopped", CommandHost.T0);
        Path log = host.logDir().resolve("web").resolve(run.id() + ".log");

        CommandHost.Result result = host.run("logs", "web");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertEquals(" !     No output of run #" + run.id() + " (release, interrupted) is left: its log file (" + log
                + ") is gone, and the ledger keeps a copy only of runs that ended.\n", result.stderr());
    }

    @Test
    void anUnknownRunOrARunOfAnotherAppIsRefused() {
        Deploy other = host.deploy("api", Deploy.Origin.EXTRACTED, PLAN);
        TaskRun apiRun = host.completedRun(other, Phase.RELEASE, RunState.SUCCEEDED, 0, bytes("api secret\n"));

        CommandHost.Result unknown = host.run("logs", "web", "999");
        CommandHost.Result foreign = host.run("logs", "web", Long.toString(apiRun.id()));

        assertEquals(1, unknown.exitCode(), unknown.toString());
        assertEquals(" !     Run #999 does not exist. See the runs of web with: dokku migrate:status web --all\n",
                unknown.stderr());
        assertEquals(1, foreign.exitCode(), foreign.toString());
        assertEquals(" !     Run #" + apiRun.id() + " is not a run of web (it belongs to api). See the runs of web with: "
                + "dokku migrate:status web --all\n", foreign.stderr());
        assertEquals("", unknown.stdout() + foreign.stdout());
    }

    @Test
    void anAppWithNoRunSaysSo() {
        CommandHost.Result result = host.run("logs", "api");

        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(" !     No task of api has run yet: the output of its release and predeploy tasks shows here once "
                + "a deploy has run them\n", result.stderr());
    }

    @Test
    void badRunIdsAndTailsAreRefused() {
        host.completedRun(deploy, Phase.RELEASE, RunState.SUCCEEDED, 0, bytes("x\n"));

        CommandHost.Result word = host.run("logs", "web", "latest");
        CommandHost.Result zero = host.run("logs", "web", "0");
        CommandHost.Result tail = host.run("logs", "web", "--tail", "0");
        CommandHost.Result notNumber = host.run("logs", "web", "--tail", "ten");

        assertEquals(" !     Invalid run id 'latest': use a run number from dokku migrate:status APP\n", word.stderr());
        assertEquals(" !     Invalid run id '0': use a run number from dokku migrate:status APP\n", zero.stderr());
        assertEquals(" !     --tail must be 1 or more, got 0\n", tail.stderr());
        assertEquals(List.of(1, 1, 1, 2), List.of(word.exitCode(), zero.exitCode(), tail.exitCode(),
                notNumber.exitCode()));
        assertEquals("", word.stdout() + zero.stdout() + tail.stdout() + notNumber.stdout());
    }

    @Test
    void anUnknownOrBadlyNamedAppOrAnUnknownFlagIsRefused() {
        CommandHost.Result unknown = host.run("logs", "nope");
        CommandHost.Result shell = host.run("logs", "web`id`");
        CommandHost.Result flag = host.run("logs", "web", "--follow");

        assertEquals(" !     App nope does not exist\n", unknown.stderr());
        assertEquals(" !     App name must begin with lowercase alphanumeric character, and may only contain lowercase "
                + "alphanumerics, dots, and hyphens\n", shell.stderr());
        assertEquals(" !     Unknown option: '--follow'\n !     See: dokku migrate:help\n", flag.stderr());
        assertEquals(List.of(1, 1, 2), List.of(unknown.exitCode(), shell.exitCode(), flag.exitCode()));
    }
}
