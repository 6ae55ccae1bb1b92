package dokkumigrate.platform;

import java.util.Optional;

/**
 * The per-deploy copies of the Procfile and app.json that Dokku's core-post-extract writes
 * ({@code data/ps/APP/Procfile.$DOKKU_PID}, {@code data/app-json/APP/app.json.$DOKKU_PID}),
 * which Dokku's own task runner reads later in the same deploy.
 */
public interface DeployCopies {
    Optional<String> readProcfile(String app);

    Optional<String> readAppJson(String app);

    /** Replaces this deploy's Procfile copy; written atomically. */
    void writeProcfile(String app, String text);

    /** Marks this deploy as having no Procfile, the way core-post-extract does for an absent file. */
    void markProcfileMissing(String app);

    void writeAppJson(String app, String text);

    /** Where this deploy's copies are, for messages. */
    String procfilePath(String app);

    String appJsonPath(String app);

    /**
     * Whether this Dokku invocation has per-deploy copies (or {@code .missing} markers) at all: a
     * build wrote them at core-post-extract; a release without a build (config change, start) has none.
     */
    boolean present(String app);
}
