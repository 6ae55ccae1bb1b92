package dokkumigrate.platform;

import dokkumigrate.plan.Phase;
import java.util.Optional;

/**
 * The app's standing Procfile and app.json ({@code data/ps/APP/Procfile},
 * {@code data/app-json/APP/app.json}): the copies core-post-deploy promotes at the end of each
 * build, which Dokku's own runner reads on a release without a build (config change, start).
 * Read and written as bytes, so that what the plugin puts back is exactly what it took.
 */
public interface StandingFiles {
    /** The file's bytes; empty when the app has no such file. */
    Optional<byte[]> read(String app, Phase.Source file);

    /** Replaces the file atomically, keeping its permissions, or removes it when {@code content} is empty. */
    void write(String app, Phase.Source file, Optional<byte[]> content);

    /** Where the file is, for messages. */
    String path(String app, Phase.Source file);
}
