package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every operator command answers --help with its Dokku synopsis and every option described, touching nothing. */
class CommandHelpTest {
    @TempDir
    Path dir;
    CommandHost host;

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "status ; dokku migrate:status APP [--all | --limit N] [--migrations] [--format json] ; --migrations",
            "logs ; dokku migrate:logs APP [RUN_ID] [--tail N] ; --tail=N",
            "history ; dokku migrate:history APP [--migration ID] [--limit N] [--format json] ; --migration=ID",
            "run ; dokku migrate:run APP [--phase release|predeploy] ; --phase=PHASE",
            "unlock ; dokku migrate:unlock APP [--force] ; --force",
            "report ; dokku migrate:report [APP|--global] [--migrate-FLAG | --format json] ; --format=FORMAT",
            "set ; dokku migrate:set APP|--global KEY [VALUE] ; --global",
            "doctor ; dokku migrate:doctor [APP] [--format json] ; --format=FORMAT",
            "notify-test ; dokku migrate:notify-test APP ; APP",
    })
    void helpShowsTheSynopsisAndTheOptions(String command, String synopsis, String option) {
        for (String flag : new String[] {"--help", "-h"}) {
            CommandHost.Result result = host.run(command, flag);

            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(result.stdout().startsWith("Usage: " + synopsis + "\n"), result.stdout());
            assertTrue(result.stdout().contains("  -h, --help "), result.stdout());
            assertTrue(result.stdout().contains(option), result.stdout());
            assertEquals("", result.stderr());
        }
        assertTrue(host.run(command, "web", "--help").stdout().startsWith("Usage: "), "help before the app is checked");
        assertEquals(false, java.nio.file.Files.exists(host.ledgerPath()), "help opens no ledger");
    }
}
