package dokkumigrate.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.cli.Main;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL driver costs a host whose ledger is SQLite nothing: commands on a SQLite ledger,
 * run in a child JVM with the driver on its class path (and its java.sql.Driver service entry,
 * which the shaded jar leaves out), load no class of it, as the JVM's class-loading log shows.
 */
class DriverLoadingTest {
    private static final ProcessRunner PROCESSES = new ProcessRunner();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void commandsOnASqliteLedgerLoadNoPostgresqlClass() throws Exception {
        Files.createDirectories(dir.resolve("home/myapp"));
        Files.createDirectories(dir.resolve("lib/data/migrate"));
        Map<String, String> dokku = Map.of("DOKKU_ROOT", dir.resolve("home").toString(),
                "DOKKU_LIB_ROOT", dir.resolve("lib").toString());

        for (List<String> command : List.of(List.of("status", "myapp"), List.of("report", "myapp"),
                List.of("history", "myapp"))) {
            Path log = dir.resolve(command.get(0) + ".classes");
            ProcessRunner.Result result = java(log, dokku, Main.class.getName(), command);

            assertEquals(0, result.exitCode(), command + ": " + result.stdout() + result.stderr());
            List<String> loaded = loadedClasses(log);
            assertTrue(loaded.contains("org.sqlite.SQLiteConfig"), command + " opened no SQLite ledger: the log shows "
                    + loaded.size() + " classes");
            assertEquals(List.of(), loaded.stream().filter(name -> name.startsWith("org.postgresql.")).toList(),
                    command + " loaded the PostgreSQL driver");
        }
        assertTrue(Files.exists(dir.resolve("lib/data/migrate/ledger.db")));
    }

    @Test
    void openingAPostgresqlConnectionDoesLoadTheDriver() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        Path log = dir.resolve("connect.classes");

        ProcessRunner.Result result = java(log, Map.of(), PostgresConnectProbe.class.getName(),
                List.of("postgresql://ledger@127.0.0.1:" + closed + "/ledger"));

        assertTrue(result.stdout().startsWith("refused Cannot reach PostgreSQL at 127.0.0.1:" + closed),
                result.stdout() + result.stderr());
        assertTrue(loadedClasses(log).contains("org.postgresql.Driver"), "the class-loading log misses the driver");
    }

    private static ProcessRunner.Result java(Path log, Map<String, String> environment, String main, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"), main));
        command.addAll(args);
        return PROCESSES.run(command, environment, null, TIMEOUT);
    }

    /** The names of the classes in a -Xlog:class+load log: "[...][info][class,load] NAME source: ...". */
    private static List<String> loadedClasses(Path log) throws Exception {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int start = line.indexOf("] ", line.indexOf("[class,load]"));
            int end = line.indexOf(" source: ");
            if (line.contains("[class,load]") && start >= 0 && end > start) {
                names.add(line.substring(start + 2, end));
            }
        }
        return names;
    }
}
