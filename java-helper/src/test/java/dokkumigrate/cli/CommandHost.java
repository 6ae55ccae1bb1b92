package dokkumigrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dokkumigrate.adapters.dokku.DokkuEnvironment;
import dokkumigrate.adapters.files.RunLogFiles;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.deploy.RunLogs;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.run.RunOutcome;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A throw-away Dokku host for running helper commands in-process: DOKKU_ROOT and DOKKU_LIB_ROOT
 * under a temporary directory, a real SQLite ledger seeded through the {@link Ledger} API, and
 * {@link MigrateHelper#execute} with that environment, capturing stdout and stderr.
 */
final class CommandHost implements AutoCloseable {
    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    final Path root;
    final Path dokkuRoot;
    final Path libRoot;
    final Map<String, String> env = new HashMap<>();
    private final AtomicLong nextPid = new AtomicLong(900_000);
    private SqliteLedger ledger;

    CommandHost(Path root) {
        this.root = root;
        this.dokkuRoot = root.resolve("home-dokku");
        this.libRoot = root.resolve("var-lib-dokku");
        try {
            Files.createDirectories(dokkuRoot);
            Files.createDirectories(libRoot.resolve("data").resolve("migrate"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("DOKKU_ROOT", dokkuRoot.toString());
        env.put("DOKKU_LIB_ROOT", libRoot.toString());
        env.put("DOKKU_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("DOCKER_BIN", System.getenv().getOrDefault("DOCKER_BIN", "docker"));
    }

    /** What a command printed and returned. */
    record Result(int exitCode, byte[] stdoutBytes, String stderr) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return new ObjectMapper().readTree(stdoutBytes);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + stdout(), e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr;
        }
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MigrateHelper.execute(args, Map.copyOf(env),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** Creates the app as apps:create does: a directory in DOKKU_ROOT. */
    CommandHost app(String app) {
        try {
            Files.createDirectories(dokkuRoot.resolve(app));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Path ledgerPath() {
        return libRoot.resolve("data").resolve("migrate").resolve("ledger.db");
    }

    Path logDir() {
        return libRoot.resolve("data").resolve("migrate").resolve("logs");
    }

    Path lockDir() {
        return libRoot.resolve("data").resolve("migrate").resolve("locks");
    }

    Path config() {
        return libRoot.resolve("config");
    }

    /** The host name the helper records for itself. */
    String hostName() {
        return DokkuEnvironment.from(env).hostName();
    }

    synchronized Ledger ledger() {
        if (ledger == null) {
            ledger = SqliteLedger.open(ledgerPath(), Duration.ofSeconds(5));
        }
        return ledger;
    }

    /** A deploy with a plan, as post-extract records one; each call is another Dokku invocation. */
    Deploy deploy(String app, Deploy.Origin origin, Plan plan) {
        return ledger().recordPlan(app, new DeployKey(nextPid.incrementAndGet(), "test"), origin, "", "", plan);
    }

    /** Claims a task of a deploy as a helper with this pid would, on this host. */
    TaskRun claim(Deploy deploy, Phase phase, long helperPid) {
        TaskRun run = ledger().claim(deploy.id(), phase, new Ledger.RunClaim("dokku/" + deploy.app() + ":latest",
                "sha256:0123456789ab", hostName(), helperPid, T0));
        ledger().recordLogFile(run.id(), RunLogs.fileName(run.id()));
        return ledger().findRun(run.id()).orElseThrow();
    }

    /**
     * Makes the ledger number its next runs from a random high id. Task containers are found by
     * their run-id label alone, so a test that removes the containers of run #1 could hit a task
     * container of another ledger on the same engine (a Dokku harness host running its run #1).
     * The ids come from SQLite's rowid (max + 1), so one placeholder run in a deploy of its own
     * raises them; it is written with plain JDBC because no ledger operation chooses an id.
     */
    void numberRunsFromARandomHighId(String app) {
        Deploy placeholder = deploy(app, Deploy.Origin.MANUAL, Plan.of(new dokkumigrate.plan.Task(Phase.RELEASE,
                "placeholder")));
        long id = java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE / 4);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + ledgerPath());
             java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO runs (id, deploy_id, app, phase, command, "
                     + "state, attempt) VALUES (?, ?, ?, 'release', 'placeholder', 'succeeded', 1)")) {
            s.setLong(1, id);
            s.setLong(2, placeholder.id());
            s.setString(3, app);
            s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a run's log file as DeployTasks does. */
    void writeLog(TaskRun run, byte[] output) {
        try (OutputStream log = new RunLogFiles(logDir()).create(run.app(), run.logFile())) {
            log.write(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records how a run ended, with the ledger keeping at most {@code limit} trailing bytes. */
    TaskRun finish(TaskRun run, RunState state, int exitCode, byte[] output, int limit) {
        byte[] tail = output.length <= limit ? output
                : java.util.Arrays.copyOfRange(output, output.length - limit, output.length);
        return ledger().finish(run.id(), new RunOutcome(state, Optional.of(exitCode), tail, output.length,
                state == RunState.SUCCEEDED ? "" : "exit code " + exitCode), T0.plusSeconds(3));
    }

    /** A run that printed {@code output}, with its log file and the ledger's copy. */
    TaskRun completedRun(Deploy deploy, Phase phase, RunState state, int exitCode, byte[] output) {
        TaskRun run = claim(deploy, phase, 4242);
        writeLog(run, output);
        return finish(run, state, exitCode, output, 1_048_576);
    }

    void writeProperty(String app, String key, String value) {
        try {
            Path directory = config().resolve("migrate").resolve(app);
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(key), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under the property store, relative, sorted: to show that nothing was written. */
    List<String> propertyFiles() {
        if (!Files.exists(config())) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(config())) {
            return walk.filter(Files::isRegularFile).map(p -> config().relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeDataFile(String plugin, String app, String file, String text) {
        try {
            Path directory = libRoot.resolve("data").resolve(plugin).resolve(app);
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pid no process has (that of a process that just ended). */
    static long deadPid() {
        try {
            Process process = new ProcessBuilder("true").start();
            process.waitFor();
            long pid = process.pid();
            while (ProcessHandle.of(pid).isPresent()) {
                Thread.onSpinWait();
            }
            return pid;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> lines(String text) {
        return new ArrayList<>(text.lines().toList());
    }

    @Override
    public synchronized void close() {
        if (ledger != null) {
            ledger.close();
            ledger = null;
        }
    }
}
