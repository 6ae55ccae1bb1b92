package dokkumigrate.platform;

import java.util.Objects;

/**
 * An app image as Dokku names it ({@code dokku/APP:latest}, {@code registry.example.com/shop:7}).
 * Its tag is what follows the last colon, as Dokku's release triggers take it from their IMAGE
 * argument (a registry host's port comes before the last slash, so never after that colon).
 */
public record AppImage(String name) {
    public AppImage {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an image name cannot be blank");
        }
    }

    public String tag() {
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "latest";
    }

    @Override
    public String toString() {
        return name;
    }
}
