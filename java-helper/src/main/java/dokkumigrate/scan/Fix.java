package dokkumigrate.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The exact fix for a finding.
 *
 * @param releaseLine the Procfile line to add or change to ({@code release: bundle exec rails db:migrate}),
 *                    empty when a deploy task already migrates
 * @param releaseStep the sentence that says what to do with {@code releaseLine}, or why nothing is needed
 * @param removal     what to remove or change where the command was found
 * @param alternative another way to stop it at boot, when there is one: the environment setting
 *                    that switches it off, or the condition that lets it run
 */
public record Fix(Optional<String> releaseLine, String releaseStep, String removal, Optional<String> alternative) {

    public Fix {
        Objects.requireNonNull(releaseLine, "releaseLine");
        Objects.requireNonNull(releaseStep, "releaseStep");
        Objects.requireNonNull(removal, "removal");
        Objects.requireNonNull(alternative, "alternative");
    }

    /** The fix as sentences, in the order to apply them. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(releaseStep);
        lines.add(removal);
        alternative.ifPresent(lines::add);
        return lines;
    }
}
