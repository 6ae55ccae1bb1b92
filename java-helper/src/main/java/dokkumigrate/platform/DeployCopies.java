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

    /** Replaces this deploy's Procfile copy, written atomically; a {@code .missing} marker is removed. */
    void writeProcfile(String app, String text);

    /** Marks this deploy as having no Procfile, the way core-post-extract does for an absent file. */
    void markProcfileMissing(String app);

    void writeAppJson(String app, String text);

    /**
     * Records that the plugin takes this deploy's tasks over. Written before a copy is changed and
     * removed only once the copies are back as Dokku wrote them, so a changed copy always has it.
     * The release triggers read it (also from bash, when the helper cannot start): a build without
     * it is one whose tasks Dokku's own runner runs. Older marks of the app are removed.
     */
    void markTakenOver(String app);

    /** Removes this deploy's mark: its copies are as Dokku wrote them, and its tasks are Dokku's. */
    void clearTakenOver(String app);

    /** Whether this deploy carries the mark, so its tasks are the plugin's to run. */
    boolean isTakenOver(String app);

    /** Removes every takeover mark of a destroyed app. */
    void forgetTakeovers(String app);

    /** Where this deploy's copies are, for messages. */
    String procfilePath(String app);

    String appJsonPath(String app);

    /**
     * Whether this Dokku invocation has per-deploy copies (or {@code .missing} markers) at all: a
     * build wrote them at core-post-extract; a release without a build (config change, start) has none.
     */
    boolean present(String app);
}
