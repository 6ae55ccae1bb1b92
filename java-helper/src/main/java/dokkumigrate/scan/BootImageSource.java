package dokkumigrate.scan;

import java.util.Collection;

/** Reads what a boot-migration scan needs from an image, without starting it. */
public interface BootImageSource {

    /**
     * The image's config and the scripts its processes may run at boot.
     *
     * @param image           an image reference or id
     * @param processCommands the Procfile commands of the app's process types (they may name scripts)
     */
    BootImage read(String image, Collection<String> processCommands);
}
