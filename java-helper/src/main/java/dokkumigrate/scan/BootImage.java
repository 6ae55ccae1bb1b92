package dokkumigrate.scan;

import dokkumigrate.run.ImageConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What was read from an image without starting it: its config, and the text of the scripts
 * its processes may run at boot (absolute path in the image → text).
 *
 * @param skipped files that exist but were not read (binary, too large), with the reason
 */
public record BootImage(ImageConfig config, Map<String, String> scripts, Map<String, String> skipped) {

    public BootImage {
        Objects.requireNonNull(config, "config");
        scripts = Collections.unmodifiableMap(new LinkedHashMap<>(scripts));
        skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
    }

    public static BootImage of(ImageConfig config, Map<String, String> scripts) {
        return new BootImage(config, scripts, Map.of());
    }

    /** The first of {@code candidates} that was read from the image. */
    public Optional<String> firstPresent(List<String> candidates) {
        return candidates.stream().filter(scripts::containsKey).findFirst();
    }
}
