package dokkumigrate.deploy;

import dokkumigrate.adapters.dokku.DataDirStandingFiles;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.plan.Phase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the tests of an app's standing Procfile and app.json stand on: a Dokku lib root (a test's
 * temporary directory) with the data/ps and data/app-json directories of the app {@value #APP}, the
 * real {@link DataDirStandingFiles} over them, and a real ledger beside them, closed with this.
 */
final class StandingData implements AutoCloseable {
    static final String APP = "app";

    final SqliteLedger ledger;
    final DataDirStandingFiles files;

    StandingData(Path libRoot) throws IOException {
        ledger = SqliteLedger.open(libRoot.resolve("ledger.db"), Duration.ofSeconds(5));
        files = new DataDirStandingFiles(libRoot);
        Files.createDirectories(libRoot.resolve("data/ps/" + APP));
        Files.createDirectories(libRoot.resolve("data/app-json/" + APP));
    }

    /** The app's standing file as text, or null when it has none. */
    String read(Phase.Source file) {
        return files.read(APP, file).map(bytes -> new String(bytes, StandardCharsets.UTF_8)).orElse(null);
    }

    /** Writes the app's standing file, as core-post-deploy or a person editing it would. */
    void write(Phase.Source file, String text) {
        files.write(APP, file, Optional.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        ledger.close();
    }
}
