package dokkumigrate.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes a deploy's tasks out of its Procfile and app.json texts: the Procfile {@code release} entry and
 * app.json {@code scripts.dokku.predeploy} become the plan, and the texts come back without them, so
 * that Dokku's own runner finds nothing. Pure: reading and writing the files is the caller's job.
 */
public final class PlanExtractor {
    static final String RELEASE_PROCESS = "release";

    private PlanExtractor() {
    }

    /** What became of the Procfile. */
    public enum ProcfileChange {
        /** Nothing to take out (or no Procfile at all): leave the file as it is. */
        UNCHANGED,
        /** Write {@link Extraction#procfile()} back: the release line is gone, the rest is as it was. */
        REWRITTEN,
        /**
         * The release entry was the only one; a Procfile without entries fails procfile-util, so replace
         * the file with Dokku's {@code .missing} marker instead of writing it.
         */
        NOW_EMPTY
    }

    /**
     * The plan and the texts to leave for Dokku.
     *
     * @param procfile the Procfile text after extraction; empty when there was no Procfile
     * @param appJson the app.json text after extraction; empty when there was no app.json
     */
    public record Extraction(
            Plan plan,
            Optional<String> procfile,
            ProcfileChange procfileChange,
            Optional<String> appJson,
            boolean appJsonChanged) {
        public Extraction {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(procfile, "procfile");
            Objects.requireNonNull(procfileChange, "procfileChange");
            Objects.requireNonNull(appJson, "appJson");
            if (procfile.isEmpty() && procfileChange != ProcfileChange.UNCHANGED) {
                throw new IllegalArgumentException("an absent Procfile cannot be " + procfileChange);
            }
            if (appJson.isEmpty() && appJsonChanged) {
                throw new IllegalArgumentException("an absent app.json cannot change");
            }
        }
    }

    /**
     * Extracts the plan from the two texts, either of which may be {@code null} for a missing file.
     * Both are parsed before anything is computed, so a malformed file yields only the exception.
     *
     * @throws ExtractionException when either file is malformed; its {@link ExtractionException#fileLabel()}
     *     says which ("Procfile" or "app.json")
     */
    public static Extraction extract(String procfileText, String appJsonText) {
        Optional<ProcfileDocument> procfile = Optional.ofNullable(procfileText).map(ProcfileDocument::parse);
        Optional<AppJsonDocument> appJson = Optional.ofNullable(appJsonText).map(AppJsonDocument::parse);

        List<Task> tasks = new ArrayList<>();
        appJson.flatMap(AppJsonDocument::predeploy)
                .ifPresent(command -> tasks.add(task(Phase.PREDEPLOY, command, AppJsonDocument.FILE_LABEL)));
        procfile.flatMap(document -> document.command(RELEASE_PROCESS))
                .ifPresent(command -> tasks.add(task(Phase.RELEASE, command, ProcfileDocument.FILE_LABEL)));

        Optional<ProcfileDocument> newProcfile = procfile.map(document -> document.without(RELEASE_PROCESS));
        Optional<AppJsonDocument> newAppJson = appJson.map(AppJsonDocument::withoutPredeploy);
        return new Extraction(
                new Plan(tasks),
                newProcfile.map(ProcfileDocument::text),
                procfileChange(procfile, newProcfile),
                newAppJson.map(AppJsonDocument::text),
                !newAppJson.map(AppJsonDocument::text).equals(appJson.map(AppJsonDocument::text)));
    }

    private static ProcfileChange procfileChange(Optional<ProcfileDocument> before, Optional<ProcfileDocument> after) {
        if (before.isEmpty() || after.get() == before.get()) {
            return ProcfileChange.UNCHANGED;
        }
        return after.get().isEmpty() ? ProcfileChange.NOW_EMPTY : ProcfileChange.REWRITTEN;
    }

    /** A task, or an ExtractionException for a command Dokku would accept but a Task cannot hold. */
    private static Task task(Phase phase, String command, String fileLabel) {
        try {
            return new Task(phase, command);
        } catch (IllegalArgumentException e) {
            throw new ExtractionException(fileLabel, 0, 0, "the " + phase.label() + " command is blank", e);
        }
    }
}
