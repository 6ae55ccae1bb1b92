package dokkumigrate.applied;

import java.util.Objects;

/**
 * A migration a task reported as applied, as its framework names it.
 *
 * @param framework the framework whose output line reported it ({@code rails}, {@code django}, ...)
 * @param id        what identifies the migration in its framework: a version, a revision, a file name
 * @param name      its description when the framework prints one apart from the id, else empty
 */
public record AppliedMigration(String framework, String id, String name) {
    /** Longest id or name kept: a framework line is short, the rest would be noise. */
    public static final int MAX_TEXT = 200;

    public AppliedMigration {
        Objects.requireNonNull(framework, "framework");
        id = clip(Objects.requireNonNull(id, "id"));
        name = clip(name == null ? "" : name);
    }

    /** "20240101000000 AddUsers", or just the id when the framework prints no separate name. */
    public String label() {
        return name.isEmpty() ? id : id + " " + name;
    }

    private static String clip(String text) {
        String stripped = text.strip();
        return stripped.length() <= MAX_TEXT ? stripped : stripped.substring(0, MAX_TEXT);
    }
}
