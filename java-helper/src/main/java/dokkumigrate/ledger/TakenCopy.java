package dokkumigrate.ledger;

import dokkumigrate.plan.Phase;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One of Dokku's Procfile/app.json copies as the plugin found it and as it left it, kept so that
 * handing the tasks back to Dokku puts the file back byte for byte.
 *
 * @param file     which file ({@link Phase.Source#PROCFILE} or {@link Phase.Source#APP_JSON})
 * @param original its bytes before the plugin took the task out; empty when there was no such file
 * @param stripped its bytes as the plugin left them; empty when it left no file (a Procfile whose
 *                 only entry was {@code release} becomes Dokku's {@code .missing} marker)
 */
public record TakenCopy(Phase.Source file, Optional<byte[]> original, Optional<byte[]> stripped) {
    public TakenCopy {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(stripped, "stripped");
    }

    /** Whether the plugin took something out of this file. */
    public boolean changed() {
        return !same(original, stripped);
    }

    /** Whether {@code content} (empty: no file) is exactly what the plugin left. */
    public boolean leftAs(Optional<byte[]> content) {
        return same(stripped, content);
    }

    /** Whether {@code content} (empty: no file) is exactly the file before the plugin touched it. */
    public boolean originally(Optional<byte[]> content) {
        return same(original, content);
    }

    private static boolean same(Optional<byte[]> a, Optional<byte[]> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
    }

    /** A taken copy as the ledger holds it: of which deploy, and whether that deploy rolled out. */
    public record Recorded(long deployId, boolean rolledOut, TakenCopy copy) { }
}
