package dokkumigrate.adapters.dokku;

import dokkumigrate.plan.Phase;
import dokkumigrate.platform.StandingFiles;
import java.nio.file.Path;
import java.util.Optional;

/** The standing Procfile and app.json where Dokku's ps and app-json plugins keep them. */
public final class DataDirStandingFiles implements StandingFiles {
    private final Path dataRoot;

    public DataDirStandingFiles(Path libRoot) {
        this.dataRoot = libRoot.resolve("data");
    }

    @Override
    public Optional<byte[]> read(String app, Phase.Source file) {
        return DataFiles.read(file(app, file));
    }

    @Override
    public void write(String app, Phase.Source file, Optional<byte[]> content) {
        Path path = file(app, file);
        if (content.isPresent()) {
            DataFiles.replace(path, content.get());
        } else {
            DataFiles.delete(path);
        }
    }

    @Override
    public String path(String app, Phase.Source file) {
        return file(app, file).toString();
    }

    /** ps's and app-json's core-post-deploy destinations (ps/triggers.go, app-json/triggers.go). */
    private Path file(String app, Phase.Source file) {
        return switch (file) {
            case PROCFILE -> dataRoot.resolve("ps").resolve(app).resolve("Procfile");
            case APP_JSON -> dataRoot.resolve("app-json").resolve(app).resolve("app.json");
        };
    }
}
