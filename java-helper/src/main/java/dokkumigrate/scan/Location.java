package dokkumigrate.scan;

import java.util.Objects;

/** Where a command was found: a Procfile line, the image's CMD or ENTRYPOINT, or a file in the image. */
public record Location(Kind kind, String path, int line) {

    public enum Kind { PROCFILE, IMAGE_CMD, IMAGE_ENTRYPOINT, IMAGE_FILE }

    public Location {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
    }

    public static Location procfileLine(int line) {
        return new Location(Kind.PROCFILE, "Procfile", line);
    }

    public static Location imageCmd() {
        return new Location(Kind.IMAGE_CMD, "", 0);
    }

    public static Location imageEntrypoint() {
        return new Location(Kind.IMAGE_ENTRYPOINT, "", 0);
    }

    public static Location imageFile(String path, int line) {
        return new Location(Kind.IMAGE_FILE, path, line);
    }

    /** {@code Procfile line 2}, {@code image CMD}, {@code image ENTRYPOINT}, {@code /app/bin/docker-entrypoint:11}. */
    public String describe() {
        return switch (kind) {
            case PROCFILE -> "Procfile line " + line;
            case IMAGE_CMD -> "image CMD";
            case IMAGE_ENTRYPOINT -> "image ENTRYPOINT";
            case IMAGE_FILE -> path + ":" + line;
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
