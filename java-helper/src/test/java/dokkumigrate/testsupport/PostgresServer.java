package dokkumigrate.testsupport;

import dokkumigrate.adapters.process.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server of a test class's own, as tests/pg_cluster.bash makes one for the bats
 * tests: a cluster created by initdb in a temporary directory, the server started on a free loopback
 * port with its unix socket in that directory (as a user that is not root: initdb and postgres refuse
 * root), and stopped by its pid. Start it in {@code @BeforeAll}, {@link #close()} it in {@code @AfterAll}.
 *
 * <p>Loopback connections are trusted, except for members of the role {@value #PASSWORD_ROLE}, which
 * must give their password (scram-sha-256): a test makes such a user with {@link #createPasswordUser}.
 *
 * <p>Without PostgreSQL's server programs the calling test is skipped, or fails under {@code CI=true}
 * (as {@link TestImages#assumeDocker} treats a missing Docker engine); a server that does not start
 * always fails it.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String SUPERUSER = "postgres";
    public static final String HOST = "127.0.0.1";
    /** Members of this role log in with a password; everyone else is trusted on loopback. */
    public static final String PASSWORD_ROLE = "password_users";
    /** The trusted role the ledger tests log in as, owner of the databases {@link #newLedgerDatabase} makes. */
    public static final String LEDGER_ROLE = "ledger";
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final ProcessRunner PROCESSES = new ProcessRunner();

    private final Path directory;
    private final Process process;
    private final int port;
    private final AtomicInteger ledgerDatabases = new AtomicInteger();

    private PostgresServer(Path directory, Process process, int port) {
        this.directory = directory;
        this.process = process;
        this.port = port;
    }

    /** Creates and starts a server; see the class comment for when it skips or fails the test. */
    public static PostgresServer start() {
        Path bin = serverPrograms().orElse(null);
        String reason = "PostgreSQL's server programs (initdb, postgres) are on neither the PATH nor "
                + "/usr/lib/postgresql/*/bin: run scripts/common.bash's setup-postgresql as root, which installs "
                + "Debian's postgresql package (scripts/test does)";
        if (bin == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(reason + "; with CI=true this is a failure, not a skip");
        }
        Assumptions.assumeTrue(bin != null, "skipped: " + reason);
        try {
            return create(bin);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a PostgreSQL server for the tests", e);
        }
    }

    private static PostgresServer create(Path bin) throws IOException {
        Path directory = Files.createTempDirectory("dokku-migrate-pg.");
        List<String> as = runAs(directory);
        Path data = directory.resolve("data");
        ProcessRunner.Result initdb = PROCESSES.run(concat(as, bin.resolve("initdb").toString(), "--pgdata=" + data,
                "--username=" + SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-sync"), Map.of(), null,
                Duration.ofMinutes(2));
        if (!initdb.ok()) {
            throw new IllegalStateException("initdb failed in " + data + ":\n" + initdb.stdout() + initdb.stderr());
        }
        // first match wins: the password role's members over TCP, before initdb's trust lines
        Path hba = data.resolve("pg_hba.conf");
        Files.writeString(hba, "host all +" + PASSWORD_ROLE + " 127.0.0.1/32 scram-sha-256\n"
                + Files.readString(hba, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            Path log = directory.resolve("server.log");
            Process process = new ProcessBuilder(concat(as, bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-p", String.valueOf(port), "-k", directory.resolve("socket").toString(),
                    "-c", "listen_addresses=" + HOST, "-c", "fsync=off", "-c", "max_connections=60"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PostgresServer server = new PostgresServer(directory, process, port);
            if (server.awaitReady()) {
                server.sql("CREATE ROLE " + PASSWORD_ROLE + " NOLOGIN");
                return server;
            }
            server.stop();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            failure = new IllegalStateException("PostgreSQL did not start from " + data + "; its log:\n" + output);
            if (!output.contains("could not bind")) {
                break; // not a port taken between choosing and binding it: trying again will not help
            }
        }
        throw failure;
    }

    public int port() {
        return port;
    }

    /** The server's own pid (the postmaster). */
    public long pid() {
        return process.pid();
    }

    public Path directory() {
        return directory;
    }

    /** A ledger URL for USER and DATABASE on this server. */
    public String url(String user, String database) {
        return "postgresql://" + user + "@" + HOST + ":" + port + "/" + database;
    }

    /** A connection as the superuser to DATABASE, through the driver itself (no DriverManager). */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        Connection connection = new org.postgresql.Driver().connect("jdbc:postgresql://" + HOST + ":" + port + "/" + database,
                properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver did not accept its own URL");
        }
        return connection;
    }

    /** Creates and starts a server (as {@link #start}) with the role {@value #LEDGER_ROLE}. */
    public static PostgresServer startForLedgers() {
        PostgresServer server = start();
        server.sql("CREATE ROLE " + LEDGER_ROLE + " LOGIN");
        return server;
    }

    /** A new empty database owned by {@value #LEDGER_ROLE}, so that a test sees no other test's rows. */
    public String newLedgerDatabase() {
        String name = "ledger_" + ledgerDatabases.incrementAndGet();
        sql("CREATE DATABASE " + name + " OWNER " + LEDGER_ROLE);
        return name;
    }

    /** Runs statements as the superuser in the database {@code postgres}. */
    public void sql(String... statements) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on the test server (port " + port + "): " + e.getMessage(), e);
        }
    }

    /** A user that logs in (over TCP) with PASSWORD only, owning a new database of the same name. */
    public void createPasswordUser(String user, String password) {
        sql("CREATE ROLE " + user + " LOGIN PASSWORD '" + password.replace("'", "''") + "' IN ROLE " + PASSWORD_ROLE,
                "CREATE DATABASE " + user + " OWNER " + user);
    }

    /** Fast shutdown by pid (SIGINT: open sessions are ended), waiting until the server is gone. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        PROCESSES.run(List.of("kill", "-INT", String.valueOf(process.pid())), Map.of(), null, Duration.ofSeconds(20));
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + directory, e);
        }
    }

    /** Waits until postmaster.pid says "ready" (line 8), or the server exits, or READY_WITHIN passes. */
    private boolean awaitReady() {
        Path pidFile = directory.resolve("data/postmaster.pid");
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        try {
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (Files.exists(pidFile)) {
                    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                    if (lines.size() >= 8 && lines.get(7).strip().equals("ready")) {
                        return true;
                    }
                }
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The command prefix that runs a program as the cluster's user: none unless root, else setpriv as
     * {@code postgres} (the package's user) or {@code nobody}, who gets the directory. setpriv execs,
     * so the pid of the process started is the server's own.
     */
    private static List<String> runAs(Path directory) throws IOException {
        Files.createDirectories(directory.resolve("socket"));
        if (!PROCESSES.run(List.of("id", "-u")).stdoutTrimmed().equals("0")) {
            return List.of();
        }
        String user = PROCESSES.run(List.of("getent", "passwd", SUPERUSER)).ok() ? SUPERUSER : "nobody";
        String group = PROCESSES.run(List.of("id", "-g", user)).stdoutTrimmed();
        UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
        for (Path path : List.of(directory, directory.resolve("socket"))) {
            Files.setOwner(path, users.lookupPrincipalByName(user));
        }
        return List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--init-groups", "--");
    }

    /** initdb's directory: the PATH's (with postgres beside it), else the newest /usr/lib/postgresql/N/bin. */
    private static Optional<Path> serverPrograms() {
        List<Path> candidates = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry));
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.map(version -> version.resolve("bin"))
                    .sorted(Comparator.comparing((Path bin) -> majorVersion(bin.getParent())).reversed())
                    .forEach(candidates::add);
        } catch (IOException e) {
            // no Debian packages of PostgreSQL: the PATH alone
        }
        return candidates.stream()
                .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("postgres")))
                .findFirst();
    }

    private static int majorVersion(Path directory) {
        try {
            return Integer.parseInt(directory.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }
}
